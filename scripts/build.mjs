// `npm run build` (and `prepack`): everything the package ships, in dist/:
//   widget/      the CDN bundle linkgate.js (Lit inside, one file), sri.json (its integrity values) and
//                THIRD-PARTY-NOTICES.txt (Lit's licence, which the bundle's banner names)
//   elements/    the elements as ES modules with .d.ts, for bundlers ('linkgate'), and react.d.ts
//   server/      the BFF as ES modules with .d.ts ('linkgate/server'), run by plain Node
//   custom-elements.json   the Custom Elements Manifest, from the elements' JSDoc
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const run = (command, args) => {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
const bin = (name) => join('node_modules', '.bin', name);

for (const dir of ['dist/server', 'dist/elements']) rmSync(dir, { recursive: true, force: true });
run(process.execPath, ['scripts/build-widget.mjs']);
// Of Lit, only ReactiveElement (with its css tag): the elements build their DOM without lit-html.
writeFileSync(
  'dist/widget/THIRD-PARTY-NOTICES.txt',
  `linkgate.js includes @lit/reactive-element, under this licence:\n\n${readFileSync('node_modules/@lit/reactive-element/LICENSE', 'utf8')}`,
);
run(bin('tsc'), ['-p', 'tsconfig.build.json']);
run(bin('tsc'), ['-p', 'tsconfig.elements.json']);
run(bin('cem'), ['analyze', '--quiet']);
run(process.execPath, ['scripts/build-types.mjs']);
