import { assert, assertEqual } from '../test-support/assert.ts';
import type { CspReport } from '../test-support/csp/page.ts';
import { track, unmountAll } from '../test-support/elements.ts';
import { afterEach, describe, it } from '../test-support/mocha.ts';

const contractPolicy =
  "script-src 'self'; style-src 'self'; require-trusted-types-for 'script'; trusted-types lit-html 'allow-duplicates'";

/** Loads the CSP page in a frame and waits for the report it posts when done. */
function loadCspPage(): Promise<CspReport> {
  const frame = track(document.createElement('iframe'));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no report from the CSP page within 8 s')), 8000);
    window.addEventListener('message', function onMessage(event: MessageEvent<CspReport>) {
      if (event.origin !== window.location.origin || event.source !== frame.contentWindow) return;
      window.removeEventListener('message', onMessage);
      clearTimeout(timer);
      resolve(event.data);
    });
    frame.src = '/widget/test-support/csp/page.html';
    document.body.append(frame);
  });
}

describe('the elements under the contract CSP (SECURITY 1)', () => {
  afterEach(() => {
    unmountAll();
  });

  it('render and activate (the link, the sign-up and wallet buttons) with zero violations next to a second copy of Lit, while the policy is enforced', async () => {
    const report = await loadCspPage();
    assertEqual(report.failure, undefined, 'failure in the CSP page');
    assertEqual(report.policy, contractPolicy, 'policy of the page');

    assertEqual(report.reactiveElementCopies, 2, "copies of Lit's ReactiveElement on the page");
    assertEqual(report.litHtmlCopies, 1, 'copies of lit-html: the second copy only, the widget has none');
    assertEqual(report.secondCopyText, 'second copy', 'text rendered by the second copy');
    assertEqual(report.navigated.length, 2, 'navigations: the link, then the sign-up with popups blocked');
    assertEqual(
      report.errorMessage,
      "This isn't available right now. Please try another option.",
      "an unknown code's message: the general text, not the server's markup",
    );
    assertEqual(
      report.signup,
      { state: 'pending', label: 'Link AlipayHK', status: 'Waiting for you to confirm in AlipayHK.' },
      'the sign-up element after its launch',
    );
    assertEqual(
      report.wallet,
      { state: 'linked', label: '<b>Direct</b> linked' },
      'the wallet element once linked, its markup-like name shown as text',
    );
    assertEqual(report.violations, [], 'securitypolicyviolation events');
    assertEqual(report.reports, [], 'csp-violation reports');

    // Without these the zero above would prove nothing: the same page must refuse real violations.
    assert(report.proof.innerHtmlThrew, 'a string assigned to innerHTML throws');
    assert(report.proof.scriptSrcThrew, 'a string assigned to script.src throws');
    assert(!report.proof.inlineStyleApplied, 'an inline style attribute is not applied');
    const directives = report.proof.violations.map((violation) => violation.split(' ')[0]);
    assertEqual(
      directives,
      ['require-trusted-types-for', 'require-trusted-types-for', 'style-src-attr'],
      `directives of the deliberate violations: ${JSON.stringify(report.proof.violations)}`,
    );
  });
});
