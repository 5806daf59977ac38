import { sendKeys } from '@web/test-runner-commands';
import { assert, assertEqual } from '../../../test-support/assert.ts';
import {
  codeOf,
  mountSsoLink,
  nextEvent,
  realOpenBlank,
  shadowLink,
  waitFor,
} from '../../../test-support/elements.ts';
import { errorAnswer, fakeBff, freshCode } from '../../../test-support/fake-bff.ts';
import { ssoAttributes, ssoPath, useElementFixture } from '../../../test-support/fixture.ts';
import { describe, it } from '../../../test-support/mocha.ts';
import { pageNavigation } from '../../navigation.ts';

describe('linkgate-sso-link in a new tab', () => {
  const fixture = useElementFixture();

  it('with target=_blank opens a blank tab within the click, detaches its opener, then navigates it', async () => {
    const bff = await fakeBff(freshCode);
    const element = await mountSsoLink(ssoAttributes(bff, { target: '_blank' }));
    shadowLink(element).click();
    assertEqual(fixture.navigation.tabs.length, 1, 'tabs opened before click() returned');
    const [tab] = fixture.navigation.tabs;
    assertEqual(tab?.opener, null, 'opener of the new tab');
    assertEqual(tab?.replaced, [], 'navigations of the tab before the answer');

    await nextEvent(element, 'linkgate-redirect');
    assertEqual(tab?.replaced.length, 1, 'navigations of the tab');
    assert(codeOf(tab?.replaced[0]), 'the tab went to a URL with a code');
    assertEqual(fixture.navigation.assigned, [], 'navigations of this tab');
    assertEqual(tab?.closed, false, 'the tab stays open');
  });

  it('with target=_blank closes the blank tab when the request fails', async () => {
    const bff = await fakeBff(errorAnswer(502, 'PROVIDER_REJECTED', 'Rejected.'));
    const element = await mountSsoLink(ssoAttributes(bff, { target: '_blank' }));
    shadowLink(element).click();
    await nextEvent(element, 'linkgate-error');
    assertEqual(fixture.navigation.tabs.length, 1, 'tabs opened');
    assertEqual(fixture.navigation.tabs[0]?.closed, true, 'the tab was closed');
    assertEqual(fixture.navigation.tabs[0]?.replaced, [], 'navigations of the tab');
  });

  it('treats ctrl, meta, shift and middle clicks as target=_blank', async () => {
    const bff = await fakeBff(freshCode, freshCode, freshCode, freshCode);
    const element = await mountSsoLink(ssoAttributes(bff));
    const clicks = [
      new MouseEvent('click', { bubbles: true, cancelable: true, composed: true, ctrlKey: true }),
      new MouseEvent('click', { bubbles: true, cancelable: true, composed: true, metaKey: true }),
      new MouseEvent('click', { bubbles: true, cancelable: true, composed: true, shiftKey: true }),
      new MouseEvent('auxclick', { bubbles: true, cancelable: true, composed: true, button: 1 }),
    ];
    for (const click of clicks) {
      shadowLink(element).dispatchEvent(click);
      assert(click.defaultPrevented, `${click.type} does not follow the placeholder href`);
      await nextEvent(element, 'linkgate-redirect');
    }
    assertEqual(fixture.navigation.assigned, [], 'navigations of this tab');
    assertEqual(
      fixture.navigation.tabs.map((tab) => tab.replaced.length),
      [1, 1, 1, 1],
      'each click navigated its own new tab',
    );
  });

  it('falls back to this tab when the popup is blocked', async () => {
    const bff = await fakeBff(freshCode);
    const element = await mountSsoLink(ssoAttributes(bff, { target: '_blank' }));
    fixture.navigation.blockPopups = true;
    shadowLink(element).click();
    await nextEvent(element, 'linkgate-redirect');
    assertEqual(fixture.navigation.assigned.length, 1, 'navigations of this tab');
  });

  it('opens a real detached tab on a real Enter and navigates it to the code', async () => {
    const opened: Window[] = [];
    pageNavigation.openBlank = () => {
      const tab = realOpenBlank();
      if (tab) opened.push(tab as Window);
      return tab;
    };
    const bff = await fakeBff(freshCode);
    const element = await mountSsoLink(ssoAttributes(bff, { target: '_blank' }));
    const redirected = nextEvent(element, 'linkgate-redirect');
    shadowLink(element).focus();
    await sendKeys({ press: 'Enter' });
    const [tab] = opened;
    assert(tab, 'window.open gave a tab to a real key press');
    try {
      await redirected;
      await waitFor(() => tab.location.pathname.startsWith('/fake-bff/landing/'), 'the tab to land');
      assertEqual(tab.location.pathname, `/fake-bff/landing${ssoPath}`, 'path of the tab');
      assert(tab.location.search.includes('authorizationCode='), 'the tab carries a code');
      assertEqual(tab.opener, null, 'opener of the tab');
    } finally {
      tab.close();
    }
  });
});
