import { writeFile } from 'node:fs/promises';

/**
 * A web-test-runner reporter that writes {"passed": n, "failed": n} to `file` when the run stops,
 * for the closing count of `npm test`. A test file that failed to load counts as one failed test.
 */
export function countReporter(file) {
  return {
    async stop({ sessions }) {
      let passed = 0;
      let failed = 0;
      const visit = (suite) => {
        for (const test of suite.tests) {
          if (test.skipped) continue;
          if (test.passed) passed += 1;
          else failed += 1;
        }
        for (const child of suite.suites) visit(child);
      };
      for (const session of sessions) {
        if (session.testResults) visit(session.testResults);
        if (!session.passed && session.errors.length > 0) failed += 1;
      }
      await writeFile(file, `${JSON.stringify({ passed, failed })}\n`);
    },
  };
}
