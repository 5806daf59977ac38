import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownVariableNames, readConfig } from '../../../server/src/config/config.ts';
import { knownVariables } from '../../../server/src/config/known.ts';
import type { ProviderModule } from '../../../server/src/providers/types.ts';

const serverSrc = new URL('../../../server/src/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('the LINKGATE_ variables Linkgate knows', () => {
  it('holds every LINKGATE_ name the server source mentions (no list kept by hand can drift)', () => {
    const named = new Set(
      sources(serverSrc).flatMap(
        (file) => readFileSync(file, 'utf8').match(/LINKGATE_[A-Z0-9_]*[A-Z0-9]\b/g) ?? [],
      ),
    );
    const known = knownVariableNames();
    expect([...named].filter((name) => !known.has(name))).toEqual([]);
    // The readers' _FILE and _PASSPHRASE forms are known too.
    for (const name of [
      'LINKGATE_API_KEY_FILE',
      'LINKGATE_IGV_PRIVATE_KEY_PASSPHRASE',
      'LINKGATE_DATA_KEYS_FILE',
    ])
      expect(known.has(name)).toBe(true);
  });

  it('learns a provider module’s names from its reader, past the base URL that switches it on', () => {
    const sixth: ProviderModule = {
      id: 'sixth',
      readSettings(env) {
        if (env.url('LINKGATE_SIXTH_BASE_URL') === undefined) return undefined;
        return {
          id: env.required('LINKGATE_SIXTH_APP_ID'),
          secret: env.requiredSecret('LINKGATE_SIXTH_APP_SECRET'),
        };
      },
      sandboxSettings: () => ({}),
      create: () => {
        throw new Error('not used');
      },
      secrets: () => [],
      selfTestKeys: () => [],
      sandbox: () => Promise.reject(new Error('not used')),
    };
    const known = knownVariables(() => undefined, [sixth]);
    expect([...known].sort()).toEqual([
      'LINKGATE_SIXTH_APP_ID',
      'LINKGATE_SIXTH_APP_SECRET',
      'LINKGATE_SIXTH_APP_SECRET_FILE',
      'LINKGATE_SIXTH_BASE_URL',
    ]);
  });

  it('warns through the given channel, once per unknown name, and reads the rest as usual', () => {
    const warnings: string[] = [];
    const config = readConfig(
      { LINKGATE_SANDBOX: '1', LINKGATE_IGV_MERCHANTID: 'M1', LINKGATE_LOG_LEVEL: 'warn', OTHER: 'x' },
      { warn: (line) => warnings.push(line) },
    );
    expect(warnings).toEqual([
      'LINKGATE_IGV_MERCHANTID is not a Linkgate setting and is ignored; the nearest one is LINKGATE_IGV_MERCHANT_ID',
    ]);
    expect(config.logLevel).toBe('warn');
  });
});
