import type { Request, Response } from 'express';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { constantTimeEqual } from '../../../server/src/crypto/compare.ts';
import type * as CompareModule from '../../../server/src/crypto/compare.ts';
import { apiKeyAuth } from '../../../server/src/http/middleware.ts';
import { EasyPayReturns } from '../../../server/src/providers/easypay/returns.ts';
import { pingpongEnvelope, pingpongVerify } from '../../../server/src/providers/pingpong/wire.ts';

// Every comparison of a secret-derived value goes through the one constant-time helper: a plain
// `===` in its place answers the same, so only watching the helper tells the two apart.
vi.mock('../../../server/src/crypto/compare.ts', async (original) => {
  const actual = await original<typeof CompareModule>();
  return {
    constantTimeEqual: vi.fn((a: Uint8Array | string, b: Uint8Array | string) =>
      actual.constantTimeEqual(a, b),
    ),
  };
});
const compared = vi.mocked(constantTimeEqual);
beforeEach(() => {
  compared.mockClear();
});

describe('signature, MAC and key comparisons are constant-time (SECURITY 23)', () => {
  it('compares the merchant API key with the helper, and refuses what it refuses', () => {
    const key = 'lgk_' + 'k'.repeat(40);
    const run = (authorization: string) => {
      let passed: unknown = 'not called';
      apiKeyAuth(key)({ headers: { authorization } } as Request, {} as Response, (error?: unknown) => {
        passed = error;
      });
      return passed;
    };
    expect(run(`Bearer ${key}`)).toBeUndefined();
    expect(compared).toHaveBeenLastCalledWith(key, key);
    expect(run(`Bearer ${key.slice(0, -1)}x`)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(compared).toHaveBeenLastCalledWith(`${key.slice(0, -1)}x`, key);
    compared.mockReturnValueOnce(false);
    expect(run(`Bearer ${key}`)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it("compares PingPong's sign with the helper, and believes only what the helper says", () => {
    const envelope = pingpongEnvelope({ accId: 'a', clientId: 'c', salt: 's', signType: 'SHA256' }, { r: 1 });
    expect(pingpongVerify({ ...envelope, sign: envelope.sign.toLowerCase() }, 's', 'SHA256')).toBe(true);
    expect(compared).toHaveBeenCalledWith(envelope.sign, envelope.sign);
    compared.mockReturnValueOnce(false);
    expect(pingpongVerify(envelope, 's', 'SHA256')).toBe(false);
  });

  it("compares KICC's return ids with the helper", () => {
    const returns = new EasyPayReturns('M1', async () => 'unused');
    const received = {
      method: 'POST',
      query: new URLSearchParams(),
      body: Buffer.from('resCd=0000&requestTid=req-1&registerTid=reg-1'),
      contentType: 'application/x-www-form-urlencoded; charset=euc-kr',
    };
    const link = { requestId: 'req-1', providerRef: 'reg-1' } as never;
    expect(returns.matches(received, link)).toBe(true);
    expect(compared).toHaveBeenCalledWith('req-1', 'req-1');
    expect(compared).toHaveBeenCalledWith('reg-1', 'reg-1');
    compared.mockReturnValueOnce(false);
    expect(returns.matches(received, link)).toBe(false);
  });
});
