import { systemClock } from './clock.ts';
import { ConfigError, EnvReader } from './config/env.ts';
import { PROVIDERS } from './providers/index.ts';
import { startSharedSandbox } from './sandbox/serve.ts';

/**
 * `npm run sandbox`: every provider's sandbox in one process, for several BFF instances. Each
 * instance runs with LINKGATE_SANDBOX=1 and LINKGATE_SANDBOX_URL pointing here.
 */
const print = (line: string) => process.stdout.write(`${line}\n`);

try {
  const env = new EnvReader(process.env);
  const sandbox = await startSharedSandbox({
    port: env.integer('LINKGATE_SANDBOX_PORT', 8081, 0, 65535),
    host: env.string('LINKGATE_SANDBOX_HOST') ?? '127.0.0.1',
    ...(env.url('LINKGATE_SANDBOX_PUBLIC_URL') ? { publicUrl: env.url('LINKGATE_SANDBOX_PUBLIC_URL')! } : {}),
    dataDir: env.string('LINKGATE_DATA_DIR') ?? './data',
    clock: systemClock,
    modules: PROVIDERS,
  });
  print(`Linkgate shared sandbox on ${sandbox.url}`);
  print(`Point every instance at it: LINKGATE_SANDBOX=1 LINKGATE_SANDBOX_URL=${sandbox.url}`);
  print(`Sandbox API key (unless instances set LINKGATE_API_KEY): ${sandbox.settings.apiKey}`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} catch (error) {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : 'start failed';
  process.stderr.write(`linkgate sandbox: ${message}\n`);
  process.exit(1);
}
