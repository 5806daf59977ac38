import { pingpong } from '../../../../server/src/providers/pingpong/index.ts';
import type { PingPongSettings } from '../../../../server/src/providers/pingpong/settings.ts';
import type { TestProvider } from '../../support/test-providers.ts';

export const PINGPONG_BASE = 'https://pingpong.sandbox.test';
// The salt of PingPong's published signing example (test/vectors/pingpong-sign.json).
export const PINGPONG = {
  accId: 'ACC-TEST',
  clientId: 'CLIENT-TEST',
  salt: 'F78BC96A55548B2319EE68E0',
  signType: 'SHA256' as const,
  unbindPath: '/v4/paymethod/unbind',
};

export function testPingPongSettings(): PingPongSettings {
  return { baseUrl: PINGPONG_BASE, ...PINGPONG };
}

export const pingpongTestProvider: TestProvider<PingPongSettings> = {
  module: pingpong,
  settings: testPingPongSettings,
  api: PINGPONG_BASE,
};
