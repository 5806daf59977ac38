// First import: records violations from before anything else runs.
import { takeReports, violations } from './violations.ts';
import type * as Lit from 'lit';
import '../../src/index.ts';
import { pageNavigation } from '../../src/navigation.ts';
import { errorAnswer, fakeBff, fakeLinkBff, freshCode } from '../fake-bff.ts';

export interface CspReport {
  /** The policy as the page declares it. */
  policy: string;
  /** lit-html copies evaluated on the page: the second copy's only (the widget renders without it). */
  litHtmlCopies: number;
  /** Copies of Lit's ReactiveElement on the page: the widget's and the second copy's. */
  reactiveElementCopies: number;
  secondCopyText: string;
  navigated: string[];
  errorMessage: string;
  /** The sign-up element after its launch: state, button label and status text. */
  signup: { state: string; label: string; status: string };
  /** The wallet element after linking at once (a `direct` service): state and button label. */
  wallet: { state: string; label: string };
  /** Violations (events, then Reporting API) while rendering and activating. */
  violations: string[];
  reports: string[];
  /** Deliberate violations afterwards: proof that the policy is enforced in this page. */
  proof: {
    innerHtmlThrew: boolean;
    scriptSrcThrew: boolean;
    inlineStyleApplied: boolean;
    violations: string[];
  };
  failure?: string;
}

declare global {
  interface Window {
    litHtmlVersions?: string[];
    reactiveElementVersions?: string[];
  }
}

// Through a variable, so that neither TypeScript nor the dev server resolves it to the first copy.
const secondLitUrl = '/second-lit.js';
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

async function defineSecondCopyElement(): Promise<void> {
  const secondLit = (await import(secondLitUrl)) as typeof Lit;
  class SecondCopyElement extends secondLit.LitElement {
    static override styles = secondLit.css`
      :host {
        display: block;
      }
    `;

    override render(): Lit.TemplateResult {
      return secondLit.html`<b>${'second copy'}</b>`;
    }
  }
  customElements.define('second-copy-element', SecondCopyElement);
}

async function renderAndActivate(report: CspReport): Promise<void> {
  await defineSecondCopyElement();
  const second = document.createElement('second-copy-element');
  document.body.append(second);

  const bff = await fakeBff(freshCode, errorAnswer(502, 'NEW_CODE', '<img src=x onerror=alert(1)>'));
  pageNavigation.assign = (url) => report.navigated.push(url);
  const link = document.createElement('linkgate-sso-link');
  link.setAttribute('provider', 'igv');
  link.setAttribute('path', '/items/1');
  link.setAttribute('api-base', bff.apiBase);
  link.setAttribute('session-token', 't');
  link.textContent = 'Buy on iGV';
  const ready = new Promise((resolve) => link.addEventListener('linkgate-ready', resolve, { once: true }));
  document.body.append(link);
  await ready;

  const anchor = link.shadowRoot?.querySelector('a');
  const redirected = new Promise((resolve) =>
    link.addEventListener('linkgate-redirect', resolve, { once: true }),
  );
  anchor?.click();
  await redirected;
  const failed = new Promise((resolve) => link.addEventListener('linkgate-error', resolve, { once: true }));
  anchor?.click();
  await failed;
  await link.updateComplete;
  await settle();

  await renderSignup(report);
  await renderWallet(report);

  report.secondCopyText = second.shadowRoot?.textContent ?? '';
  report.errorMessage = link.shadowRoot?.querySelector('[part="message"]')?.textContent ?? '';
  report.litHtmlCopies = window.litHtmlVersions?.length ?? 0;
  report.reactiveElementCopies = window.reactiveElementVersions?.length ?? 0;
  report.violations = [...violations];
  report.reports = [...takeReports()];
}

/** The sign-up element, launched with popups blocked: it renders each state and navigates once. */
async function renderSignup(report: CspReport): Promise<void> {
  const bff = await fakeLinkBff();
  pageNavigation.openPopup = () => null;
  const signup = document.createElement('linkgate-codegrant-signup');
  signup.setAttribute('provider', 'pingpong');
  signup.setAttribute('payment-method', 'AlipayHK');
  signup.setAttribute('api-base', bff.apiBase);
  signup.setAttribute('session-token', 't');
  const ready = new Promise((resolve) => signup.addEventListener('linkgate-ready', resolve, { once: true }));
  document.body.append(signup);
  await ready;
  const redirected = new Promise((resolve) =>
    signup.addEventListener('linkgate-redirect', resolve, { once: true }),
  );
  signup.shadowRoot?.querySelector('button')?.click();
  await redirected;
  await signup.updateComplete;
  report.signup = {
    state: signup.getAttribute('state') ?? '',
    label: signup.shadowRoot?.querySelector('button')?.textContent?.trim() ?? '',
    status: signup.shadowRoot?.querySelector('[part="status"]')?.textContent ?? '',
  };
}

/** The wallet element, linked at once by a service that links directly: its label swaps to "linked". */
async function renderWallet(report: CspReport): Promise<void> {
  const bff = await fakeLinkBff({ offers: { direct: { flow: 'direct', name: '<b>Direct</b>' } } });
  const wallet = document.createElement('linkgate-connect-wallet');
  wallet.setAttribute('provider', 'direct');
  wallet.setAttribute('api-base', bff.apiBase);
  wallet.setAttribute('session-token', 't');
  document.body.append(wallet);
  const label = (): string => wallet.shadowRoot?.querySelector('[part="label"]')?.textContent ?? '';
  while (label() !== 'Link <b>Direct</b>') await settle();
  const linked = new Promise((resolve) =>
    wallet.addEventListener('linkgate-linked', resolve, { once: true }),
  );
  wallet.shadowRoot?.querySelector('button')?.click();
  await linked;
  await wallet.updateComplete;
  report.wallet = { state: wallet.getAttribute('state') ?? '', label: label() };
}

async function violateOnPurpose(report: CspReport): Promise<void> {
  const before = violations.length;
  try {
    document.createElement('div').innerHTML = '<b>x</b>';
  } catch (error) {
    report.proof.innerHtmlThrew = error instanceof TypeError;
  }
  try {
    document.createElement('script').src = '/second-lit.js';
  } catch (error) {
    report.proof.scriptSrcThrew = error instanceof TypeError;
  }
  const styled = document.createElement('div');
  styled.setAttribute('style', 'color: rgb(1, 2, 3)');
  document.body.append(styled);
  report.proof.inlineStyleApplied = getComputedStyle(styled).color === 'rgb(1, 2, 3)';
  await settle();
  report.proof.violations = violations.slice(before);
}

async function run(): Promise<CspReport> {
  const report: CspReport = {
    policy:
      document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '',
    litHtmlCopies: 0,
    reactiveElementCopies: 0,
    secondCopyText: '',
    navigated: [],
    errorMessage: '',
    signup: { state: '', label: '', status: '' },
    wallet: { state: '', label: '' },
    violations: [],
    reports: [],
    proof: { innerHtmlThrew: false, scriptSrcThrew: false, inlineStyleApplied: true, violations: [] },
  };
  try {
    await renderAndActivate(report);
    await violateOnPurpose(report);
  } catch (error) {
    report.failure = String(error);
  }
  return report;
}

void run().then((report) => window.parent.postMessage(report, window.location.origin));
