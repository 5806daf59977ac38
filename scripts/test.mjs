// `npm test`: every check and suite, in order of cost, with one closing count.
// Static checks first (format, lint, types), then the widget build and its budget, then the
// server suite, the browser suite in Chromium and the end-to-end suite over real HTTP.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium } from './chromium.mjs';
import { countBrowserReport, countSuite, countVitestReport } from './test-counts.mjs';

const bin = (name) => join('node_modules', '.bin', name);
const reports = mkdtempSync(join(tmpdir(), 'linkgate-test-'));
let passed = 0;
let failed = 0;
const failures = [];

/** Runs one step; a step that is not a suite (format, lint, types, build) counts as one check. */
function step(name, command, args, { env = {}, check = false } = {}) {
  process.stdout.write(`\n== ${name}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = result.status === 0;
  if (!ok) failures.push(name);
  if (check) {
    if (ok) passed += 1;
    else failed += 1;
  }
  return ok;
}

/** Runs a suite step and adds its counts; see test-counts.mjs for what counts as a failure. */
function suite(name, command, args, report, count, options) {
  const counts = countSuite(name, step(name, command, args, options), report, count);
  passed += counts.passed;
  failed += counts.failed;
}

let chrome;
try {
  chrome = findChromium();
} catch (error) {
  process.stderr.write(`npm test: ${error.message}\n`);
  process.exit(1);
}

step('format', bin('prettier'), ['--check', '--log-level', 'warn', '.'], { check: true });
step('lint', bin('eslint'), ['--max-warnings', '0', '.'], { check: true });
step('types', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'], { check: true });
const built = step('widget build', process.execPath, ['scripts/build-widget.mjs'], { check: true });
if (built)
  step('widget bundle checks and size budget', process.execPath, ['widget/bundle.check.mjs'], {
    check: true,
  });

const serverReport = join(reports, 'server.json');
suite(
  'server suite',
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${serverReport}`],
  serverReport,
  countVitestReport,
);

const browserReport = join(reports, 'browser.json');
suite(
  'browser suite (Chromium)',
  bin('wtr'),
  ['--config', 'web-test-runner.config.mjs'],
  browserReport,
  countBrowserReport,
  { env: { CHROME_PATH: chrome, LINKGATE_WTR_REPORT: browserReport } },
);

if (built) {
  const e2eReport = join(reports, 'e2e.json');
  suite(
    'end-to-end suite',
    bin('vitest'),
    [
      'run',
      '--config',
      'vitest.e2e.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${e2eReport}`,
    ],
    e2eReport,
    countVitestReport,
    { env: { CHROME_PATH: chrome } },
  );
}

process.stdout.write('\n');
if (failures.length) process.stdout.write(`failed steps: ${failures.join(', ')}\n`);
process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`);
process.exit(failures.length || failed ? 1 : 0);
