#!/usr/bin/env node
import { ConfigError } from './config/env.ts';
import { PROVIDERS } from './providers/index.ts';
import { closeOnSignals, run } from './run.ts';

const print = (line: string) => process.stdout.write(`${line}\n`);

try {
  const running = await run({ env: process.env, sandboxDefault: false, print });
  const providers = PROVIDERS.map((module) => module.id).filter((id) => id in running.config.providers);
  print(
    `Linkgate listening on ${running.url}${running.sandboxUrl ? ` (sandboxes on ${running.sandboxUrl})` : ''}; ` +
      (providers.length
        ? `providers: ${providers.join(', ')}`
        : 'no provider is enabled: set LINKGATE_<ID>_BASE_URL and its settings for each (docs/providers/), or LINKGATE_SANDBOX=1; until then every element renders unavailable'),
  );
  closeOnSignals(running, print);
} catch (error) {
  // One clear line; config and key errors name the variable and never its value.
  const message = error instanceof ConfigError || error instanceof Error ? error.message : 'start failed';
  process.stderr.write(`linkgate: ${message}\n`);
  process.exit(1);
}
