// `npm run build`: the widget bundle with its SRI hashes, then the server compiled to dist/server.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const run = (command, args) => {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run(process.execPath, ['scripts/build-widget.mjs']);
run(join('node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json']);
