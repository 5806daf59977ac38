import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  pingpongEnvelope,
  pingpongSign,
  pingpongVerify,
} from '../../../../server/src/providers/pingpong/wire.ts';

const vectors = JSON.parse(
  readFileSync(new URL('../../../vectors/pingpong-sign.json', import.meta.url), 'utf8'),
) as { salt: string; request: Record<string, string>; response: Record<string, string> };

describe('PingPong sign (vectors/pingpong-sign.json)', () => {
  it('reproduces the published request sign byte for byte', () => {
    expect(pingpongSign(vectors.request, vectors.salt, 'SHA256')).toBe(vectors.request['sign']);
    expect(pingpongVerify(vectors.request, vectors.salt, 'SHA256')).toBe(true);
  });

  it('reproduces the published answer sign byte for byte', () => {
    expect(pingpongSign(vectors.response, vectors.salt, 'SHA256')).toBe(vectors.response['sign']);
    expect(pingpongVerify(vectors.response, vectors.salt, 'SHA256')).toBe(true);
  });

  it('refuses a changed field, a wrong salt, a missing sign and an unknown signType', () => {
    expect(pingpongVerify({ ...vectors.response, code: '000000' }, vectors.salt, 'SHA256')).toBe(false);
    expect(pingpongVerify(vectors.response, `${vectors.salt}0`, 'SHA256')).toBe(false);
    const { sign: _sign, ...unsigned } = vectors.response;
    expect(pingpongVerify(unsigned, vectors.salt, 'SHA256')).toBe(false);
    expect(pingpongVerify({ ...vectors.response, signType: 'NONE' }, vectors.salt, 'SHA256')).toBe(false);
    expect(pingpongVerify({ ...vectors.response, sign: 'AB' }, vectors.salt, 'SHA256')).toBe(false);
  });

  it('skips empty and null fields, so adding one does not change the sign', () => {
    const base = pingpongSign(vectors.request, vectors.salt, 'SHA256');
    expect(pingpongSign({ ...vectors.request, empty: '', nothing: null }, vectors.salt, 'SHA256')).toBe(base);
  });

  it('signs MD5 envelopes when signType says so', () => {
    const envelope = pingpongEnvelope(
      { accId: 'a', clientId: 'c', salt: 's', signType: 'MD5' },
      { requestId: 'r1' },
    );
    expect(envelope.sign).toMatch(/^[0-9A-F]{32}$/);
    expect(pingpongVerify(envelope, 's', 'MD5')).toBe(true);
  });

  it('accepts only the configured sign type, even when the other one is signed right', () => {
    const md5 = pingpongEnvelope({ accId: 'a', clientId: 'c', salt: 's', signType: 'MD5' }, { r: 1 });
    const sha = pingpongEnvelope({ accId: 'a', clientId: 'c', salt: 's', signType: 'SHA256' }, { r: 1 });
    expect(pingpongVerify(md5, 's', 'SHA256')).toBe(false);
    expect(pingpongVerify(sha, 's', 'MD5')).toBe(false);
    expect(pingpongVerify(sha, 's', 'SHA256')).toBe(true);
    // An envelope that names another type is refused even when its sign is right for ours.
    const named = { ...sha, signType: 'MD5' };
    expect(pingpongVerify({ ...named, sign: pingpongSign(named, 's', 'SHA256') }, 's', 'SHA256')).toBe(false);
    // A lower-case sign of the right type still verifies: PingPong's hex has no fixed case.
    expect(pingpongVerify({ ...sha, sign: sha.sign.toLowerCase() }, 's', 'SHA256')).toBe(true);
  });
});
