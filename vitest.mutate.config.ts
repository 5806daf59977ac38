import { defineConfig } from 'vitest/config';

/*
 * The tests the mutation run (`npm run mutate`, stryker.config.mjs) executes against each mutant:
 * only those that exercise the security-critical modules it mutates, so a run stays bounded.
 */
export default defineConfig({
  test: {
    include: [
      'test/server/crypto/compare.test.ts',
      'test/server/crypto/comparisons.test.ts',
      'test/server/http/limits.test.ts',
      'test/server/http/surface.test.ts',
      'test/server/http/hardening.test.ts',
      'test/server/http/stream-gate.test.ts',
      'test/server/http/rate-limit.test.ts',
      'test/server/instances/postgres.test.ts',
      'test/server/providers/pingpong/wire.test.ts',
      'test/server/providers/pingpong/notifications.test.ts',
      'test/server/providers/pingpong/codegrant.test.ts',
      'test/server/providers/pingpong/parse.test.ts',
      'test/server/providers/easypay/returns.test.ts',
      'test/server/providers/easypay/popup.test.ts',
      'test/server/links/returns.test.ts',
      'test/server/sessions/authenticate.test.ts',
      'test/server/providers/sixth/capabilities.test.ts',
    ],
    environment: 'node',
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
