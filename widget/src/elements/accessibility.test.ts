import { emulateMedia, setViewport } from '@web/test-runner-commands';
import type { AxeResults, RunOptions } from 'axe-core';
import { assert, assertEqual } from '../../test-support/assert.ts';
import {
  labelOf,
  mountSignup,
  mountSsoLink,
  mountWallet,
  nextEvent,
  shadowButton,
  shadowLink,
  waitFor,
} from '../../test-support/elements.ts';
import { errorAnswer, fakeBff, fakeLinkBff, noCurrentLink } from '../../test-support/fake-bff.ts';
import { signupAttributes, ssoAttributes, useElementFixture } from '../../test-support/fixture.ts';
import { afterEach, describe, it } from '../../test-support/mocha.ts';
import { LinkgateClient } from '../client.ts';
import type { LinkgateElement } from './base.ts';

interface Axe {
  run(context: Element, options: RunOptions): Promise<AxeResults>;
}

declare global {
  interface Window {
    axe?: Axe;
  }
}

/** axe-core's own browser build, loaded as the plain script it is. */
async function loadAxe(): Promise<Axe> {
  if (!window.axe) {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    await new Promise((resolve, reject) => {
      script.addEventListener('load', resolve);
      script.addEventListener('error', reject);
      document.head.append(script);
    });
  }
  assert(window.axe, 'axe-core loaded');
  return window.axe;
}

/** Every WCAG 2.0–2.2 A and AA rule and axe's best practices, but those about a whole page. */
const axeOptions: RunOptions = {
  runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
  rules: {
    region: { enabled: false },
    'landmark-one-main': { enabled: false },
    'page-has-heading-one': { enabled: false },
  },
};

async function settled(element: LinkgateElement, state: string): Promise<LinkgateElement> {
  await waitFor(() => element.getAttribute('state') === state, `state ${state}`);
  await element.updateComplete;
  return element;
}

/** The wallet element in `state`, against a fake BFF. */
async function signupIn(state: string): Promise<LinkgateElement> {
  if (state === 'unavailable') return mountSignup({ provider: 'pingpong', 'session-token': 't' });
  if (state === 'linked') {
    const bff = await fakeLinkBff();
    const client = new LinkgateClient({ apiBase: bff.apiBase, getSessionToken: () => 'tok-1' });
    const { linkId } = await client.createLink({ provider: 'pingpong', paymentMethod: 'AlipayHK' });
    await bff.setStatus(linkId, 'linked');
    return settled(await mountSignup(signupAttributes(bff)), 'linked');
  }
  const answers = {
    idle: [],
    working: [
      noCurrentLink,
      { status: 201, json: { linkId: 'lnk_slow', status: 'pending' }, delayMs: 10_000 },
    ],
    pending: [],
    failed: [noCurrentLink, errorAnswer(429, 'RATE_LIMITED', 'Slow down.', true)],
    cancelled: [],
  }[state];
  const bff = await fakeLinkBff({}, ...(answers ?? []));
  const element = await mountSignup(signupAttributes(bff));
  await settled(element, 'idle');
  const pending = state === 'cancelled' && nextEvent(element, 'linkgate-pending');
  if (state !== 'idle') shadowButton(element).click();
  if (pending) await bff.setStatus((await pending).detail.linkId, 'cancelled');
  return settled(element, state);
}

/**
 * The wallet element in `state`: a service that links at its page (pending waits there), and, for
 * unavailable, one that links only in its app, on a page that has no way to get its code.
 */
async function walletIn(state: string): Promise<LinkgateElement> {
  const answers = {
    working: [
      { json: { link: null, flow: 'page', name: 'EasyPay' } },
      { status: 201, json: { linkId: 'lnk_slow', status: 'pending' }, delayMs: 10_000 },
    ],
    failed: [
      { json: { link: null, flow: 'page', name: 'EasyPay' } },
      errorAnswer(503, 'PROVIDER_UNAVAILABLE', 'Later.', true),
    ],
  }[state];
  const bff = await fakeLinkBff({}, ...(answers ?? []));
  const attributes = { 'api-base': bff.apiBase, 'session-token': 'tok-1' };
  if (state === 'unavailable') {
    const element = await mountWallet({ provider: 'vodapay', ...attributes });
    return settled(element, 'unavailable');
  }
  const element = await mountWallet({
    provider: state === 'linked' ? 'fintech33' : 'easypay',
    ...attributes,
  });
  // Ready once the BFF has said how the service links: its label then names it.
  await waitFor(() => labelOf(element) !== 'Link wallet', 'the label naming the service');
  await settled(element, 'idle');
  const pending = state === 'cancelled' && nextEvent(element, 'linkgate-pending');
  if (state !== 'idle') shadowButton(element).click();
  if (pending) await bff.setStatus((await pending).detail.linkId, 'cancelled');
  return settled(element, state);
}

/** The marketplace link in `state`. */
async function ssoLinkIn(state: string): Promise<LinkgateElement> {
  if (state === 'unavailable') return mountSsoLink({ provider: 'igv', 'session-token': 't' });
  const answers = {
    idle: [],
    working: [{ delayMs: 10_000 }],
    failed: [errorAnswer(502, 'PROVIDER_REJECTED', 'No.')],
  }[state];
  const bff = await fakeBff(...(answers ?? []));
  const element = await mountSsoLink(ssoAttributes(bff));
  if (state !== 'idle') shadowLink(element).click();
  return settled(element, state);
}

const cases: Array<[string, string[], (state: string) => Promise<LinkgateElement>]> = [
  [
    'linkgate-codegrant-signup',
    ['idle', 'working', 'pending', 'linked', 'failed', 'cancelled', 'unavailable'],
    signupIn,
  ],
  [
    'linkgate-connect-wallet',
    ['idle', 'working', 'pending', 'linked', 'failed', 'cancelled', 'unavailable'],
    walletIn,
  ],
  ['linkgate-sso-link', ['idle', 'working', 'failed', 'unavailable'], ssoLinkIn],
];

describe('the elements are accessible in every state, light and dark', () => {
  useElementFixture();
  const page = document.documentElement;

  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
    page.removeAttribute('style');
  });

  for (const [tag, states, inState] of cases) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`${tag}: axe finds no violation in any state, ${scheme}`, async () => {
        await emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
        // The page follows the scheme, as a page that supports dark does (Canvas, CanvasText).
        Object.assign(page.style, { colorScheme: 'light dark', background: 'Canvas', color: 'CanvasText' });
        const axe = await loadAxe();
        const found: string[] = [];
        for (const state of states) {
          const element = await inState(state);
          assertEqual(element.getAttribute('state'), state, `${tag} state`);
          const { violations } = await axe.run(element, axeOptions);
          for (const violation of violations)
            found.push(
              `${state}: ${violation.id} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
            );
          element.remove();
        }
        assertEqual(found, [], `axe violations of ${tag}, ${scheme}`);
      });
    }

    for (const width of [375, 1280]) {
      it(`${tag}: the element and its target are at least 44 px high in every state, ${width} px wide`, async () => {
        await setViewport({ width, height: 800 });
        const heights: string[] = [];
        for (const state of states) {
          const element = await inState(state);
          const target = element.shadowRoot?.querySelector('[part="button"], [part="link"]');
          assert(target, `${tag} renders its target`);
          const [host, part] = [element, target].map((node) => node.getBoundingClientRect().height);
          if (!(host! >= 44 && part! >= 44)) heights.push(`${state}: element ${host} px, target ${part} px`);
          element.remove();
        }
        assertEqual(heights, [], `heights under 44 px of ${tag}`);
      });
    }
  }
});
