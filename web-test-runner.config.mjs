import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { a11ySnapshotPlugin } from '@web/test-runner-commands/plugins';
import { countReporter } from './widget/test-support/count-reporter.mjs';
import { fakeBffMiddleware } from './widget/test-support/fake-bff.mjs';
import { secondLitMiddleware } from './widget/test-support/second-lit.mjs';
import { widgetSourcesMiddleware } from './widget/test-support/sources.mjs';

const rootDir = fileURLToPath(new URL('.', import.meta.url));
// `npm test` (scripts/test.mjs) reads the pass and fail counts from this file.
const reportFile = process.env.LINKGATE_WTR_REPORT;

export default {
  rootDir,
  files: ['widget/src/**/*.test.ts'],
  nodeResolve: true,
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), a11ySnapshotPlugin()],
  middleware: [fakeBffMiddleware(), secondLitMiddleware(rootDir), widgetSourcesMiddleware(rootDir)],
  testFramework: { config: { timeout: 10000 } },
  // The tests run Lit's development build on purpose (it warns about misdeclared properties).
  filterBrowserLogs: ({ args }) => !String(args[0]).startsWith('Lit is in dev mode'),
  reporters: reportFile ? [defaultReporter(), countReporter(reportFile)] : [defaultReporter()],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--headless=new',
        ],
      },
    }),
  ],
};
