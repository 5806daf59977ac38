import { setupServer } from 'msw/node';
import { Metrics } from '../../../../server/src/metrics.ts';
import type { VodaPayAdapter } from '../../../../server/src/providers/vodapay/adapter.ts';
import { vodapay } from '../../../../server/src/providers/vodapay/index.ts';
import type { VodaPaySettings } from '../../../../server/src/providers/vodapay/settings.ts';
import { sandboxMswHandlers } from '../../../../server/src/sandbox/msw.ts';
import { vodapaySandbox } from '../../../../server/src/sandbox/vodapay/index.ts';
import type { VodaPaySandbox } from '../../../../server/src/sandbox/vodapay/sandbox.ts';
import { createHttpClient } from '../../../../server/src/transport/http-client.ts';
import { Transport } from '../../../../server/src/transport/transport.ts';
import { BUYER } from '../../support/harness.ts';
import { FakeClock } from '../../support/clock.ts';
import { collectingLogger } from '../../support/logs.ts';
import { testVodaPaySettings, VODAPAY_BASE } from './fixture.ts';

/**
 * The adapter, the real transport and the sandbox behind msw, with no BFF around them: for what
 * no route calls yet (refreshing a stored secret) and for keys and clocks that differ per test.
 * `skewMs` puts the adapter's clock ahead of the sandbox's.
 */
export function vodapayRig(options: { skewMs?: number } = {}) {
  const clock = new FakeClock();
  const adapterClock = new FakeClock(clock.current + (options.skewMs ?? 0));
  const sandbox = vodapaySandbox.create(testVodaPaySettings(), {
    clock,
    publicBase: VODAPAY_BASE,
  }) as unknown as VodaPaySandbox;
  const msw = setupServer(...sandboxMswHandlers(VODAPAY_BASE, sandbox.handle));
  msw.listen({ onUnhandledRequest: 'error' });
  const http = createHttpClient();
  const logs = collectingLogger();
  const transport = new Transport({
    http,
    clock: adapterClock,
    logger: logs.logger,
    metrics: new Metrics(),
    allowedHosts: new Set([new URL(VODAPAY_BASE).host]),
    deadlineMs: 2_000,
    maxRetries: 2,
    backoffBaseMs: 10,
    breaker: { threshold: 50, cooldownMs: 30_000 },
  });
  const adapter = (settings: VodaPaySettings = testVodaPaySettings()) =>
    vodapay.create(settings, {
      transport,
      clock: adapterClock,
      publicUrl: 'https://bff.example',
    }) as VodaPayAdapter;
  const context = { requestId: 'req-vodapay-test' };
  /** Links through the adapter with a fresh code; resolves to the secret the use case would seal. */
  const link = async (user: string, with_ = adapter()) => {
    const started = await with_.start(
      {
        requestId: with_.requestId(),
        buyer: BUYER,
        wallet: undefined,
        authCode: sandbox.mintAuthCode(user),
        returnUrl: 'https://bff.example/return/x',
        notificationUrl: 'https://bff.example/webhooks/x',
      },
      context,
    );
    if (started.status !== 'linked') throw new Error('expected an immediate link');
    return started.secret;
  };
  return {
    sandbox,
    adapter,
    link,
    context,
    logs,
    /** Moves both clocks: the sandbox's and the adapter's. */
    advance(ms: number) {
      clock.advance(ms);
      adapterClock.advance(ms);
    },
    close() {
      msw.close();
      http.close();
    },
  };
}
