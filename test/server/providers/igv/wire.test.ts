import { readFileSync } from 'node:fs';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { igvCanonicalString, signIgvRequest } from '../../../../server/src/providers/igv/wire.ts';
import { verifyIgvSignature } from '../../../../server/src/sandbox/igv/verify.ts';
import { testMerchantKeys } from '../../support/harness.ts';

interface IgvVector {
  query: Record<string, string>;
  timestamp: string;
  nonce: string;
  body: string;
  signed: string;
}
const vectors = JSON.parse(
  readFileSync(new URL('../../../vectors/igv-canonical.json', import.meta.url), 'utf8'),
) as { examples: IgvVector[] };

/** node-forge's RSA is pure JavaScript: a verifier that shares nothing with OpenSSL or our code. */
function forgeVerifies(publicPem: string, message: string, signatureBase64: string): boolean {
  const key = forge.pki.publicKeyFromPem(publicPem) as forge.pki.rsa.PublicKey;
  const digest = forge.md.sha256.create();
  digest.update(message, 'utf8');
  try {
    return key.verify(digest.digest().bytes(), forge.util.decode64(signatureBase64));
  } catch {
    return false;
  }
}

describe('iGV canonical string (vectors/igv-canonical.json)', () => {
  it.each(vectors.examples.map((v, i) => [i, v] as const))('matches example %i byte for byte', (_i, v) => {
    expect(igvCanonicalString(v.query, v.timestamp, v.nonce, v.body)).toBe(v.signed);
  });
});

describe('iGV request signature', () => {
  const { privateKey, publicKey } = testMerchantKeys();
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const body = vectors.examples[1]!.body;

  it('verifies in node-forge, an RSA implementation independent of ours', async () => {
    const headers = await signIgvRequest(privateKey, body, 1743478725_000);
    expect(headers.timestamp).toBe('1743478725');
    expect(headers.nonce).toMatch(/^[A-Za-z0-9]{6,32}$/);
    expect(forgeVerifies(publicPem, `${headers.timestamp}${headers.nonce}${body}`, headers.signature)).toBe(
      true,
    );
    expect(forgeVerifies(publicPem, `${headers.timestamp}${headers.nonce}${body} `, headers.signature)).toBe(
      false,
    );
  });

  it("verifies in the sandbox's separately written verifier, with and without a query", async () => {
    const query = { param2: 'value2', param1: 'value1' };
    const headers = await signIgvRequest(privateKey, body, Date.now(), query);
    const params = new URLSearchParams([
      ['param2', 'value2'],
      ['param1', 'value1'],
    ]);
    expect(
      verifyIgvSignature(
        publicKey,
        params,
        headers.timestamp,
        headers.nonce,
        Buffer.from(body),
        headers.signature,
      ),
    ).toBe(true);
    expect(
      verifyIgvSignature(
        publicKey,
        new URLSearchParams(),
        headers.timestamp,
        headers.nonce,
        Buffer.from(body),
        headers.signature,
      ),
    ).toBe(false);
  });

  it('uses a new nonce and signature on every call', async () => {
    const a = await signIgvRequest(privateKey, body, 1_000_000);
    const b = await signIgvRequest(privateKey, body, 1_000_000);
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.signature).not.toBe(b.signature);
  });
});
