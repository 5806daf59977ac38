// How `npm test` (scripts/test.mjs) turns each suite's report into passed and failed counts.
import { existsSync, readFileSync } from 'node:fs';

/**
 * Counts of a vitest JSON report. A test file that failed without a failed test in it (it did not
 * import, or a hook threw so its tests were skipped) is one failed test: vitest's `numFailedTests`
 * leaves it out, and its `numFailedTestSuites` counts describe blocks as well as files.
 */
export function countVitestReport(report) {
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
  );
  return { passed: report.numPassedTests ?? 0, failed: (report.numFailedTests ?? 0) + brokenFiles.length };
}

/** The web-test-runner count file already is `{passed, failed}` (widget/test-support/count-reporter.mjs). */
export const countBrowserReport = (report) => ({ passed: report.passed ?? 0, failed: report.failed ?? 0 });

/**
 * Counts one suite step from its report file. A runner that exits non-zero while its report shows
 * no failed test (it crashed before writing one, wrote one that does not parse, or failed outside
 * any test) is one failure, so the closing line never reads "0 failed" for a failed run.
 */
export function countSuite(name, ok, file, count, print = (line) => process.stdout.write(`${line}\n`)) {
  let counts = { passed: 0, failed: 0 };
  let problem = 'no report';
  if (existsSync(file)) {
    try {
      counts = count(JSON.parse(readFileSync(file, 'utf8')));
      problem = 'no failed test in its report';
    } catch (error) {
      problem = `an unreadable report (${error.message})`;
    }
  }
  if (!ok && counts.failed === 0) {
    print(`${name}: the runner failed with ${problem}; counted as one failed test`);
    counts = { ...counts, failed: 1 };
  }
  return counts;
}
