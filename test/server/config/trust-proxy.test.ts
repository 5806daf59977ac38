import { describe, expect, it } from 'vitest';
import { parseTrustProxy } from '../../../server/src/config/trust-proxy.ts';
import { startHarness } from '../support/harness.ts';

describe('LINKGATE_TRUST_PROXY', () => {
  it('reads a hop count as a number, not as an address', () => {
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
  });

  it('takes the named ranges and a list of addresses and CIDR ranges', () => {
    expect(parseTrustProxy('loopback')).toEqual(['loopback']);
    expect(parseTrustProxy('10.0.0.5, 192.168.0.0/16,::1,fd00::/8,uniquelocal')).toEqual([
      '10.0.0.5',
      '192.168.0.0/16',
      '::1',
      'fd00::/8',
      'uniquelocal',
    ]);
  });

  it.each([
    'true',
    'false',
    'yes',
    '10.0.0.300',
    '10.0.0.0/33',
    '::1/129',
    '10.0.0.0/8/1',
    'loopback,',
    '33',
  ])('refuses %s with one line naming the variable', (text) => {
    expect(() => parseTrustProxy(text)).toThrow(/^LINKGATE_TRUST_PROXY: must be a hop count/);
  });

  it('believes X-Forwarded-For one hop deep with a hop count of 1', async () => {
    const h = await startHarness({ config: { rateLimitPerMinute: 1, trustProxy: parseTrustProxy('1') } });
    try {
      const launch = async (n: number, forwardedFor: string) => {
        const token = await h.session({ merchantUserId: `buyer-hop-${n}`, email: `h${n}@example.com` });
        return h.browser('/v1/sso/igv', {
          token,
          body: { path: '/items/1' },
          headers: { 'x-forwarded-for': forwardedFor },
        });
      };
      // Each client behind the proxy has its bucket; a forged earlier hop does not pick another one.
      expect((await launch(1, '203.0.113.1')).status).toBe(200);
      expect((await launch(2, '203.0.113.2')).status).toBe(200);
      expect((await launch(3, '198.51.100.7, 203.0.113.1')).status).toBe(429);
    } finally {
      await h.close();
    }
  });
});
