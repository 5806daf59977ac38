import { a11ySnapshot, sendKeys } from '@web/test-runner-commands';
import { assert, assertEqual } from '../../../test-support/assert.ts';
import {
  codeOf,
  delay,
  messageOf,
  mountSsoLink,
  nextEvent,
  shadowLink,
  track,
  waitFor,
} from '../../../test-support/elements.ts';
import { errorAnswer, fakeBff, freshCode } from '../../../test-support/fake-bff.ts';
import {
  findNode,
  ssoAttributes,
  ssoPath,
  useElementFixture,
  type AccessibilityNode,
} from '../../../test-support/fixture.ts';
import { describe, it } from '../../../test-support/mocha.ts';

describe('linkgate-sso-link', () => {
  const fixture = useElementFixture();

  it('is accessible: a link in the tab order, named by its slotted label, activated by Enter', async () => {
    const bff = await fakeBff(freshCode);
    const before = track(document.createElement('button'));
    before.textContent = 'Before';
    document.body.append(before);
    const element = await mountSsoLink(ssoAttributes(bff));

    before.focus();
    await sendKeys({ press: 'Tab' });
    assertEqual(element.shadowRoot?.activeElement, shadowLink(element), 'Tab focuses the shadow link');
    assert(
      shadowLink(element).hasAttribute('href'),
      'the link has an href, so it is a link to assistive technology',
    );

    const snapshot = (await a11ySnapshot({})) as unknown as AccessibilityNode;
    const node = findNode(
      snapshot,
      (candidate) => candidate.role === 'link' && candidate.name === 'Buy on iGV',
    );
    assert(node, `a link named "Buy on iGV" in the accessibility tree: ${JSON.stringify(snapshot)}`);
    assert(node.focused, 'the named link is the focused node');

    await sendKeys({ press: 'Enter' });
    await waitFor(() => fixture.navigation.assigned.length === 1, 'navigation after Enter');
    assertEqual((await bff.requests()).length, 1, 'requests after Enter');
  });

  it('makes a fresh request per click, nothing before, and navigates to a different code each time', async () => {
    const bff = await fakeBff(freshCode, freshCode);
    const element = await mountSsoLink(ssoAttributes(bff));
    await delay(50);
    assertEqual((await bff.requests()).length, 0, 'requests before any click');

    shadowLink(element).click();
    await nextEvent(element, 'linkgate-redirect');
    shadowLink(element).click();
    await nextEvent(element, 'linkgate-redirect');

    assertEqual((await bff.requests()).length, 2, 'requests after two clicks');
    assertEqual(fixture.navigation.assigned.length, 2, 'navigations after two clicks');
    const [first, second] = fixture.navigation.assigned.map(codeOf);
    assert(first && second && first !== second, `two different codes, got ${first} and ${second}`);
  });

  it('ignores activations while a launch is in flight', async () => {
    const bff = await fakeBff({ delayMs: 200 });
    const element = await mountSsoLink(ssoAttributes(bff));
    shadowLink(element).click();
    shadowLink(element).click();
    await nextEvent(element, 'linkgate-redirect');
    assertEqual((await bff.requests()).length, 1, 'requests');
    assertEqual(fixture.navigation.assigned.length, 1, 'navigations');
  });

  it('reflects state idle → working → idle, with aria-busy while working', async () => {
    const bff = await fakeBff({ delayMs: 150 });
    const element = await mountSsoLink(ssoAttributes(bff));
    assertEqual(element.getAttribute('state'), 'idle', 'state before');
    assert(!shadowLink(element).hasAttribute('aria-busy'), 'not busy before');

    shadowLink(element).click();
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'working', 'state while waiting');
    assertEqual(shadowLink(element).getAttribute('aria-busy'), 'true', 'aria-busy while waiting');
    assertEqual(messageOf(element).textContent, 'Opening…', 'message while waiting');

    await nextEvent(element, 'linkgate-redirect');
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'idle', 'state after');
    assert(!shadowLink(element).hasAttribute('aria-busy'), 'not busy after');
    assertEqual(messageOf(element).textContent, '', 'message after');
  });

  it('is unavailable, makes no request and is out of the tab order without a provider, a usable path or api-base', async () => {
    const bff = await fakeBff();
    const cases: Record<string, string>[] = [
      { provider: '' },
      { path: 'items/1' },
      { path: '//evil.example/x' },
      { path: '/\\evil.example/x' },
      { 'api-base': 'http://[::1' },
    ];
    for (const attributes of cases) {
      const element = await mountSsoLink(ssoAttributes(bff, attributes));
      const label = JSON.stringify(attributes);
      assertEqual(element.getAttribute('state'), 'unavailable', `state of ${label}`);
      assert(!shadowLink(element).hasAttribute('href'), `no href for ${label}`);
      assertEqual(shadowLink(element).getAttribute('aria-disabled'), 'true', `aria-disabled of ${label}`);
      shadowLink(element).click();
    }
    const { provider: _provider, ...providerless } = ssoAttributes(bff);
    const providerlessElement = await mountSsoLink(providerless);
    assertEqual(providerlessElement.getAttribute('state'), 'unavailable', 'state without a provider');
    const { path: _path, ...pathless } = ssoAttributes(bff);
    assertEqual((await mountSsoLink(pathless)).getAttribute('state'), 'unavailable', 'state without a path');
    await delay(50);
    assertEqual((await bff.requests()).length, 0, 'requests');
  });

  it('leaves the choice of provider to the BFF: a refused one fails, a disabled one becomes unavailable', async () => {
    const bff = await fakeBff(
      errorAnswer(400, 'INVALID_REQUEST', 'Unknown provider.'),
      errorAnswer(503, 'PROVIDER_DISABLED', 'Disabled.'),
    );
    const element = await mountSsoLink(ssoAttributes(bff, { provider: 'any-provider' }));
    assertEqual(element.getAttribute('state'), 'idle', 'state before the BFF was asked');
    shadowLink(element).click();
    assertEqual((await nextEvent(element, 'linkgate-error')).detail.code, 'INVALID_REQUEST', 'first code');
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'failed', 'state after the refusal');

    shadowLink(element).click();
    assertEqual((await nextEvent(element, 'linkgate-error')).detail.code, 'PROVIDER_DISABLED', 'second code');
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'unavailable', 'state after PROVIDER_DISABLED');
    assert(!shadowLink(element).hasAttribute('href'), 'no href once unavailable');
    assertEqual(
      messageOf(element).textContent,
      "This isn't available right now. Please try another option.",
      'message once unavailable',
    );
    shadowLink(element).click();
    await delay(50);
    assertEqual(
      (await bff.requests()).map((request) => request.route),
      ['/v1/sso/any-provider', '/v1/sso/any-provider'],
      'requests: none once unavailable',
    );

    element.setAttribute('provider', 'another-provider');
    await element.updateComplete;
    assertEqual(element.getAttribute('state'), 'idle', 'state for another provider');
  });

  it('shows texts in the locale attribute, else the closest lang', async () => {
    const bff = await fakeBff(
      errorAnswer(503, 'PROVIDER_UNAVAILABLE', 'Try later.', true),
      errorAnswer(429, 'RATE_LIMITED', 'Slow down.', true),
    );
    const korean = await mountSsoLink(ssoAttributes(bff, { locale: 'ko' }));
    shadowLink(korean).click();
    await nextEvent(korean, 'linkgate-error');
    await korean.updateComplete;
    assertEqual(
      messageOf(korean).textContent,
      '서비스가 응답하지 않습니다. 잠시 후 다시 시도해 주세요.',
      'ko text',
    );

    const section = track(document.createElement('section'));
    section.lang = 'zh-Hant-HK';
    document.body.append(section);
    const chinese = document.createElement('linkgate-sso-link');
    chinese.setAttribute('provider', 'igv');
    chinese.setAttribute('path', ssoPath);
    chinese.setAttribute('api-base', bff.apiBase);
    section.append(chinese);
    await chinese.updateComplete;
    shadowLink(chinese).click();
    await nextEvent(chinese, 'linkgate-error');
    await chinese.updateComplete;
    assertEqual(messageOf(chinese).textContent, '服務沒有回應。請稍後再試。', 'zh-HK text');
  });
});
