import { ConfigError } from './config/env.ts';
import { closeOnSignals, run } from './run.ts';

const print = (line: string) => process.stdout.write(`${line}\n`);

try {
  const running = await run({ env: process.env, sandboxDefault: false, print });
  print(
    `Linkgate listening on ${running.url}${running.sandboxUrl ? ` (sandboxes on ${running.sandboxUrl})` : ''}`,
  );
  closeOnSignals(running, print);
} catch (error) {
  // One clear line; config and key errors name the variable and never its value.
  const message = error instanceof ConfigError || error instanceof Error ? error.message : 'start failed';
  process.stderr.write(`linkgate: ${message}\n`);
  process.exit(1);
}
