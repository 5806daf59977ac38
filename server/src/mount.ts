import { Router } from 'express';
import { createLinkgate as createRouter, type Linkgate, type LinkgateDeps } from './app.ts';
import { systemClock } from './clock.ts';
import { completeConfig, type BaseConfig, type Config } from './config/config.ts';
import { PROVIDERS } from './providers/index.ts';
import { startSandbox } from './sandbox/start.ts';

/**
 * The BFF as an Express router to mount in the merchant's app, from `readConfig(process.env)` or a
 * complete `Config`. Outside sandbox mode it is app.ts's router as it is. In sandbox mode the
 * simulators start first (this process's own on loopback, at LINKGATE_SANDBOX_PORT or PORT + 1, or
 * the shared sandbox at LINKGATE_SANDBOX_URL) and complete the configuration: the API key and data
 * keys it makes are kept in the data folder (`sandbox-api-key`, `data-keys`, 0600). Requests wait
 * for that; `ready` resolves once the store and the self-tests are ready too, and `close()` stops
 * the simulators as well.
 */
export function createLinkgate(config: Config | BaseConfig, deps: LinkgateDeps = {}): Linkgate {
  if (!config.sandbox) return createRouter(completeConfig(config), deps);
  const starting = startSandbox(config, deps.providers ?? PROVIDERS, deps.clock ?? systemClock);
  const inner = starting.then((sandbox) => createRouter(sandbox.config, deps));
  const router = Router() as Linkgate;
  router.use((req, res, next) => {
    inner.then((linkgate) => linkgate(req, res, next), next);
  });
  router.ready = inner.then((linkgate) => linkgate.ready);
  // Callers await `ready`; this keeps a failed start from also being an unhandled rejection.
  router.ready.catch(() => undefined);
  // Each background job of the router inside, once it exists.
  router.jobs = new Proxy({} as Linkgate['jobs'], {
    get:
      (_target, name) =>
      async (...args: unknown[]) => {
        const jobs = (await inner).jobs as unknown as Record<string | symbol, (...a: unknown[]) => unknown>;
        return jobs[name]!(...args);
      },
  });
  router.close = async () => {
    await (await inner.catch(() => undefined))?.close();
    await (await starting.catch(() => undefined))?.close();
  };
  return router;
}
