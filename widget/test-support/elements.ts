/* Mounting elements, watching their events and replacing navigation, for the element tests. */
import '../src/elements/codegrant-signup/codegrant-signup.ts';
import '../src/elements/connect-wallet/connect-wallet.ts';
import '../src/elements/sso-link/sso-link.ts';
import type { LinkgateCodegrantSignup } from '../src/elements/codegrant-signup/codegrant-signup.ts';
import type { LinkgateConnectWallet } from '../src/elements/connect-wallet/connect-wallet.ts';
import type { LinkgateSsoLink } from '../src/elements/sso-link/sso-link.ts';
import { popupTimings } from '../src/controllers/popup.ts';
import { statusTimings } from '../src/controllers/status.ts';
import { pageNavigation, type OpenedTab } from '../src/navigation.ts';
import { assert } from './assert.ts';

/** The real way to open a blank tab, for the one test that opens a real one. */
export const realOpenBlank = pageNavigation.openBlank.bind(pageNavigation);
const realOpenPopup = pageNavigation.openPopup.bind(pageNavigation);

const mounted: Element[] = [];

export async function mountSsoLink(
  attributes: Record<string, string>,
  label = 'Buy on iGV',
): Promise<LinkgateSsoLink> {
  const element = document.createElement('linkgate-sso-link');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.textContent = label;
  document.body.append(element);
  mounted.push(element);
  await element.updateComplete;
  return element;
}

/** A `<linkgate-codegrant-signup>` in the document; without `label` it shows its default one. */
export async function mountSignup(
  attributes: Record<string, string>,
  label?: string,
): Promise<LinkgateCodegrantSignup> {
  const element = document.createElement('linkgate-codegrant-signup');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (label !== undefined) element.textContent = label;
  document.body.append(element);
  mounted.push(element);
  await element.updateComplete;
  return element;
}

/** A `<linkgate-connect-wallet>` in the document; without `label` it shows its default one. */
export async function mountWallet(
  attributes: Record<string, string>,
  label?: string,
): Promise<LinkgateConnectWallet> {
  const element = document.createElement('linkgate-connect-wallet');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (label !== undefined) element.textContent = label;
  document.body.append(element);
  mounted.push(element);
  await element.updateComplete;
  return element;
}

/** Removes everything mounted by the last test; a launch still in flight is aborted on disconnect. */
export function unmountAll(): void {
  for (const element of mounted.splice(0)) element.remove();
}

export function track<T extends Element>(element: T): T {
  mounted.push(element);
  return element;
}

export function shadowLink(element: Element): HTMLAnchorElement {
  const link = element.shadowRoot?.querySelector('[part="link"]');
  assert(link instanceof HTMLAnchorElement, 'the element renders an <a part="link">');
  return link;
}

export function shadowButton(element: Element): HTMLButtonElement {
  const button = element.shadowRoot?.querySelector('[part="button"]');
  assert(button instanceof HTMLButtonElement, 'the element renders a <button part="button">');
  return button;
}

/** The text of the button's label part, without the mark. */
export function labelOf(element: Element): string {
  const label = element.shadowRoot?.querySelector('[part="label"]');
  assert(label instanceof HTMLElement, 'the element renders a [part="label"]');
  const slot = label.querySelector('slot');
  const nodes = slot && slot.assignedNodes().length > 0 ? slot.assignedNodes() : [label];
  return nodes
    .map((node) => node.textContent ?? '')
    .join('')
    .trim();
}

export function statusOf(element: Element): HTMLElement {
  const status = element.shadowRoot?.querySelector('[part="status"]');
  assert(status instanceof HTMLElement, 'the element renders a [part="status"]');
  return status;
}

export function messageOf(element: Element): HTMLElement {
  const message = element.shadowRoot?.querySelector('[part="message"]');
  assert(message instanceof HTMLElement, 'the element renders a [part="message"]');
  return message;
}

export function nextEvent<K extends keyof HTMLElementEventMap>(
  target: HTMLElement,
  type: K,
  timeoutMs = 5000,
): Promise<HTMLElementEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms`)), timeoutMs);
    target.addEventListener(
      type,
      (event) => {
        clearTimeout(timer);
        resolve(event);
      },
      { once: true },
    );
  });
}

/** Resolves once `condition` holds, polling every few milliseconds. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A tab as window.open returns it, that records what was done to it. */
export class FakeTab implements OpenedTab {
  opener: unknown = window;
  closed = false;
  readonly replaced: string[] = [];
  readonly location = {
    replace: (url: string): void => {
      this.replaced.push(url);
    },
  };

  close(): void {
    this.closed = true;
  }
}

export interface NavigationRecord {
  /** URLs this tab was sent to. */
  readonly assigned: string[];
  /** Tabs opened, in order. */
  readonly tabs: FakeTab[];
  /** Makes openBlank return null, as a popup blocker does. */
  blockPopups: boolean;
}

/** Replaces the navigation seam so nothing navigates the test page; call it before every test. */
export function recordNavigation(): NavigationRecord {
  const record: NavigationRecord = { assigned: [], tabs: [], blockPopups: false };
  pageNavigation.assign = (url) => {
    record.assigned.push(url);
  };
  pageNavigation.openBlank = () => {
    if (record.blockPopups) return null;
    const tab = new FakeTab();
    record.tabs.push(tab);
    return tab;
  };
  return record;
}

/** The authorizationCode query parameter of a redirect URL. */
export function codeOf(url: string | undefined): string | null {
  return url === undefined ? null : new URL(url).searchParams.get('authorizationCode');
}

/** Every Linkgate event the element fires, in order. */
export function recordLinkgateEvents(element: HTMLElement): Event[] {
  const events: Event[] = [];
  const types = ['ready', 'start', 'pending', 'linked', 'cancelled', 'redirect', 'error'];
  for (const type of types) element.addEventListener(`linkgate-${type}`, (event) => events.push(event));
  return events;
}

/** `type` and `detail` of each event, for exact comparisons. */
export function eventSummary(events: Event[]): Array<{ type: string; detail: unknown }> {
  return events.map((event) => ({
    type: event.type,
    detail: (event as Event & { detail?: unknown }).detail ?? null,
  }));
}

const popups: Window[] = [];

/**
 * Real popups, opened through the navigation seam as the elements open them, recorded so that the
 * test can watch and drive them. closePopups() closes whatever is left.
 */
export function recordPopups(): Window[] {
  popups.length = 0;
  pageNavigation.openPopup = (name) => {
    const popup = realOpenPopup(name);
    if (popup) popups.push(popup);
    return popup;
  };
  return popups;
}

export function closePopups(): void {
  for (const popup of popups.splice(0)) popup.close();
}

const realSetTimeout = window.setTimeout;

/** Records the delay of every setTimeout from now on, until restoreTimeouts(); the timers still run. */
export function recordTimeouts(): number[] {
  const delays: number[] = [];
  window.setTimeout = ((handler: TimerHandler, delay?: number, ...rest: unknown[]) => {
    delays.push(delay ?? 0);
    return realSetTimeout(handler, delay, ...rest);
  }) as typeof window.setTimeout;
  return delays;
}

export function restoreTimeouts(): void {
  window.setTimeout = realSetTimeout;
}

const defaultTimings = { popup: { ...popupTimings }, status: { ...statusTimings } };

type Timings = typeof popupTimings & typeof statusTimings;

/** Popup and status timings short enough for tests; `overrides` on top. */
export function fastTimings(overrides: Partial<Timings> = {}): void {
  const timings: Timings = { ...popupTimings, ...statusTimings, closedCheck: 20, closeGrace: 250 };
  Object.assign(timings, { firstPoll: 40, maxPoll: 160 }, overrides);
  for (const target of [popupTimings, statusTimings] as Array<Record<string, number>>) {
    for (const key of Object.keys(target)) target[key] = timings[key as keyof Timings];
  }
}

export function restoreTimings(): void {
  Object.assign(popupTimings, defaultTimings.popup);
  Object.assign(statusTimings, defaultTimings.status);
}

/** The path of a same-origin window, or '' while it is elsewhere (cross-origin, closed, between pages). */
export function pathOf(popup: Window): string {
  try {
    return popup.closed ? '' : popup.location.pathname;
  } catch {
    // Cross-origin for the moment: the test waits for it to come back.
    return '';
  }
}
