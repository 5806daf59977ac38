import { easypay } from '../../../server/src/providers/easypay/index.ts';
import { igv } from '../../../server/src/providers/igv/index.ts';
import { pingpong } from '../../../server/src/providers/pingpong/index.ts';
import { fintech33 } from '../../../server/src/providers/fintech33/index.ts';
import { vodapay } from '../../../server/src/providers/vodapay/index.ts';
import { SHOP_ORIGIN, testIgvSettings, testPingPongSettings, type Harness } from '../support/harness.ts';
import { conformanceSuite } from './conformance.ts';
import { testEasyPaySettings } from './easypay/fixture.ts';
import { testVodaPaySettings, vodapaySandboxOf } from './vodapay/fixture.ts';
import { testFintech33Settings } from './fintech33/fixture.ts';

const launch = (h: Harness, token: string, path: string, body: unknown) =>
  h.browser(path, { token, body, origin: SHOP_ORIGIN });

// One line per provider: each adapter against its own sandbox.
conformanceSuite('iGV', {
  module: igv,
  settings: testIgvSettings,
  exercise: (h, token) => launch(h, token, '/v1/sso/igv', { path: '/items/1' }),
  // iGV does not sign its answers (PROVIDERS.md): an unreadable one stands for a forged one.
  faults: { hang: 'hang', tamper: 'garbage' },
  // The contract sends the single-use code to the browser inside the redirect URL.
  allowedInBrowser: (value) => /^[A-Za-z0-9_-]{16,}$/.test(value) && !/^\d+$/.test(value),
});

conformanceSuite('EasyPay', {
  module: easypay,
  settings: testEasyPaySettings,
  exercise: (h, token) => launch(h, token, '/v1/links', { provider: 'easypay' }),
  // EasyPay does not sign its answers (PROVIDERS.md): bytes that are not EUC-KR JSON stand for a forged one.
  faults: { hang: 'hang', tamper: 'garbage' },
  // KICC's registration window is the redirect the contract hands over.
  allowedInBrowser: (value) => /^https:\/\/easypay\.sandbox\.test\/easypay\/cert\/page\//.test(value),
});

conformanceSuite('PingPong', {
  module: pingpong,
  settings: testPingPongSettings,
  exercise: (h, token) => launch(h, token, '/v1/links', { provider: 'pingpong', paymentMethod: 'AlipayHK' }),
  faults: { hang: 'hang', tamper: 'bad-sign' },
  // The wallet's sign-up page is the redirect the contract hands over.
  allowedInBrowser: (value) => /^https:\/\/pingpong\.sandbox\.test\/wallet\//.test(value),
});

conformanceSuite('33 Fintech', {
  module: fintech33,
  settings: testFintech33Settings,
  exercise: (h, token) => launch(h, token, '/v1/links', { provider: 'fintech33' }),
  faults: { hang: 'hang', tamper: 'tamper' },
  // No provider page: nothing of 33 Fintech's answers goes to the browser.
  allowedInBrowser: () => false,
});

conformanceSuite('VodaPay', {
  module: vodapay,
  settings: testVodaPaySettings,
  // The app's one-time code, minted at the sandbox (not through the transport), then the link.
  exercise: (h, token) =>
    launch(h, token, '/v1/links', {
      provider: 'vodapay',
      authCode: vodapaySandboxOf(h).mintAuthCode('conformance'),
    }),
  faults: { hang: 'hang', tamper: 'tampered' },
  // No provider page: nothing of VodaPay's answers goes to the browser.
  allowedInBrowser: () => false,
});
