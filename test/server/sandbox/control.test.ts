import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../server/src/run.ts';

describe('sandbox control routes', () => {
  it('do not exist outside sandbox mode: no sandbox listens, and the BFF answers 404 for them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linkgate-control-'));
    const running = await run({
      env: {
        PORT: '0',
        LINKGATE_SANDBOX: '0',
        LINKGATE_API_KEY: `lgk_${randomBytes(24).toString('hex')}`,
        LINKGATE_DATA_KEYS: `v1:${randomBytes(32).toString('base64')}`,
        LINKGATE_ALLOWED_ORIGINS: 'https://shop.example',
        LINKGATE_DATABASE_URL: `file:${join(dir, 'db.sqlite')}`,
      },
      sandboxDefault: false,
      print: () => undefined,
      warn: () => undefined,
    });
    try {
      expect(running.sandboxUrl).toBeUndefined();
      expect(running.sandboxes).toBeUndefined();
      for (const path of ['/pingpong/_control/faults', '/igv/_control/faults', '/_sandbox/settings']) {
        const answer = await fetch(running.url + path, { method: path.includes('faults') ? 'POST' : 'GET' });
        expect(answer.status).toBe(404);
      }
    } finally {
      await running.close();
    }
  });
});
