// @ts-check
/**
 * `npm run mutate`: mutation testing of the security-critical modules (not part of `npm test`).
 * Each mutant of these lines must make a test in vitest.mutate.config.ts fail; the survivors are
 * listed in the report (reports/mutation/) and each is killed by a test or explained in the README.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  mutate: [
    // constant-time comparison
    'server/src/crypto/compare.ts',
    // the rate limiter and the stream caps
    'server/src/http/rate-limit.ts',
    'server/src/http/stream-gate.ts',
    // CORS, the JSON body and its reader, the bearer and API key (browserCors … apiKeyAuth)
    'server/src/http/middleware.ts:32-149',
    // session authentication
    'server/src/sessions/sessions.ts:11-11',
    'server/src/sessions/sessions.ts:57-66',
    // notification verification
    'server/src/providers/pingpong/notifications.ts',
    'server/src/providers/pingpong/wire.ts:43-56',
    // the return state
    'server/src/links/returns.ts',
  ],
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // The sandbox copy needs the server and its tests only.
  ignorePatterns: ['dist', 'data', 'demo', 'widget', 'bench', 'docs', 'coverage', 'reports', 'test/e2e'],
  thresholds: { high: 90, low: 80, break: null },
};
