/*
 * Records every CSP violation of the page. page.ts imports this module first, so the listener is in
 * place before Lit or any element is evaluated; the buffered observer also sees earlier reports.
 */

export const violations: string[] = [];
export const reports: string[] = [];

document.addEventListener('securitypolicyviolation', (event) => {
  violations.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sample}`.trim());
});

const observer = new ReportingObserver(
  (found) => {
    for (const report of found) reports.push(JSON.stringify(report.body));
  },
  { types: ['csp-violation'], buffered: true },
);
observer.observe();

/** Reports queued but not yet delivered to the callback. */
export function takeReports(): string[] {
  for (const report of observer.takeRecords()) reports.push(JSON.stringify(report.body));
  return reports;
}
