/* The element tests' shared setup: navigation and popups recorded, fast timings, attributes, a start. */
import type { LinkgateCodegrantSignup } from '../src/elements/codegrant-signup/codegrant-signup.ts';
import {
  closePopups,
  fastTimings,
  nextEvent,
  recordNavigation,
  recordPopups,
  restoreTimings,
  shadowButton,
  unmountAll,
  type NavigationRecord,
} from './elements.ts';
import type { FakeBff } from './fake-bff.ts';
import { afterEach, beforeEach } from './mocha.ts';

export interface ElementFixture {
  /** What this test navigated, replaced before each test. */
  navigation: NavigationRecord;
  /** Real popups the elements opened in this test. */
  popups: Window[];
}

/**
 * Registers the before and after hooks every element test needs: nothing navigates the test page,
 * popups are recorded and closed afterwards, timings are short, every mounted element is removed.
 */
export function useElementFixture(): ElementFixture {
  const fixture: ElementFixture = { navigation: { assigned: [], tabs: [], blockPopups: false }, popups: [] };
  beforeEach(() => {
    fixture.navigation = recordNavigation();
    fixture.popups = recordPopups();
    fastTimings();
  });
  afterEach(() => {
    unmountAll();
    closePopups();
    restoreTimings();
  });
  return fixture;
}

export const ssoPath = '/items/2001591587541073922';

export function ssoAttributes(bff: FakeBff, overrides: Record<string, string> = {}): Record<string, string> {
  return { provider: 'igv', path: ssoPath, 'api-base': bff.apiBase, 'session-token': 't', ...overrides };
}

export function signupAttributes(
  bff: FakeBff,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    provider: 'pingpong',
    'payment-method': 'AlipayHK',
    'api-base': bff.apiBase,
    'session-token': 'tok-1',
    ...overrides,
  };
}

/** Clicks the button and waits for the link to be created; returns its id. */
export async function startLink(element: LinkgateCodegrantSignup): Promise<string> {
  const pending = nextEvent(element, 'linkgate-pending');
  shadowButton(element).click();
  return (await pending).detail.linkId;
}

export interface AccessibilityNode {
  role: string;
  name: string;
  focused?: boolean;
  disabled?: boolean;
  children?: AccessibilityNode[];
}

export function findNode(
  node: AccessibilityNode,
  match: (node: AccessibilityNode) => boolean,
): AccessibilityNode | undefined {
  if (match(node)) return node;
  for (const child of node.children ?? []) {
    const found = findNode(child, match);
    if (found) return found;
  }
  return undefined;
}
