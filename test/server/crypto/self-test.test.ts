import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type * as RsaModule from '../../../server/src/crypto/rsa.ts';
import { DataKeyring } from '../../../server/src/crypto/sealed.ts';
import { runCryptoSelfTests, seedSelfTest } from '../../../server/src/crypto/self-test.ts';
import { testConfig, testMerchantKeys } from '../support/harness.ts';
import { collectingLogger } from '../support/logs.ts';

const keyring = () => new DataKeyring([{ version: 'v1', key: randomBytes(32) }]);

describe('start-up crypto self-tests (SECURITY 21)', () => {
  it('pass with good keys: a sign/verify round trip per key and a data key round trip', async () => {
    expect(() => seedSelfTest()).not.toThrow();
    await expect(
      runCryptoSelfTests([['igv', testMerchantKeys().privateKey]], keyring()),
    ).resolves.toBeUndefined();
  });

  it('fail when the data keys do not give back what they sealed', async () => {
    const broken = keyring();
    broken.open = () => 'something else';
    await expect(runCryptoSelfTests([], broken)).rejects.toThrow(
      'crypto self-test failed: data key round trip',
    );
  });

  it('keep a server whose RSA round trip fails from becoming ready, naming the provider', async () => {
    vi.resetModules();
    // Signatures that never verify: a broken key or a broken crypto library looks like this.
    vi.doMock('../../../server/src/crypto/rsa.ts', async (original) => ({
      ...(await original<typeof RsaModule>()),
      verifyRsaSha256: async () => false,
    }));
    const fresh = await import('../../../server/src/app.ts');
    const linkgate = fresh.createLinkgate(testConfig(), { logger: collectingLogger().logger });
    await expect(linkgate.ready).rejects.toThrow(
      /^crypto self-test failed: RSA round trip \((igv|fintech33|vodapay)\)$/,
    );
    vi.doUnmock('../../../server/src/crypto/rsa.ts');
    await linkgate.close();
  });
});
