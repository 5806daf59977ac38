import { expect } from 'vitest';
import { pingpongSignOf } from '../../../server/src/sandbox/pingpong/verify.ts';
import { PINGPONG, SHOP_ORIGIN, type Harness } from './harness.ts';

/* The buyer's and PingPong's side of a CodeGrant link, for the tests that drive one. */

/** Every browser-bound answer of a test, to search for what must never be in one. */
export const browserAnswers: string[] = [];

export async function browserJson(answer: Response) {
  const text = await answer.text();
  browserAnswers.push(text, JSON.stringify([...answer.headers]));
  return { status: answer.status, body: JSON.parse(text) as Record<string, any> };
}

export async function startLink(
  h: Harness,
  token: string,
  body: Record<string, unknown> = { provider: 'pingpong', paymentMethod: 'AlipayHK' },
) {
  return browserJson(await h.browser('/v1/links', { token, body }));
}

export async function getLink(h: Harness, token: string, linkId: string) {
  return browserJson(
    await fetch(`${h.url}/v1/links/${linkId}`, {
      headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}` },
    }),
  );
}

/** The buyer presses a button on the sandbox wallet page; answers the redirect back to us. */
export async function wallet(h: Harness, authUrl: string, action: 'approve' | 'cancel'): Promise<string> {
  const answer = await fetch(`${authUrl}/${action}`, { method: 'POST', redirect: 'manual' });
  expect(answer.status).toBe(303);
  await h.pingpong.idle();
  return answer.headers.get('location')!;
}

/** A notification signed as PingPong signs it, by the sandbox's own signer. */
export function notification(business: Record<string, unknown>, salt = PINGPONG.salt) {
  const envelope: Record<string, unknown> = {
    accId: PINGPONG.accId,
    clientId: PINGPONG.clientId,
    code: '000000',
    description: 'Success',
    bizContent: JSON.stringify(business),
    signType: 'SHA256',
    version: '1.0',
  };
  envelope['sign'] = pingpongSignOf(envelope, salt, 'SHA256');
  return JSON.stringify(envelope);
}

export function postNotification(h: Harness, body: string) {
  return fetch(`${h.url}/webhooks/pingpong`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
}

export function countChanges(harness: Harness): { changes: number } {
  const counter = { changes: 0 };
  const original = harness.store.applyNotification.bind(harness.store);
  harness.store.applyNotification = async (...args) => {
    const result = await original(...args);
    if (result.changed) counter.changes += 1;
    return result;
  };
  return counter;
}

export async function linked(harness: Harness) {
  const token = await harness.session();
  const started = await startLink(harness, token);
  const back = await wallet(harness, started.body['redirectUrl'], 'approve');
  return { token, linkId: started.body['linkId'] as string, back };
}

/** Reads a link's event stream until `enough` says so (or it ends); answers the statuses and the raw text. */
export async function readEvents(
  stream: Response,
  enough: (statuses: string[]) => boolean,
): Promise<{ statuses: string[]; text: string; ended: boolean }> {
  const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const statuses = () =>
    text
      .split('\n\n')
      .filter((e) => e.startsWith('data: '))
      .map((e) => (JSON.parse(e.slice(6)) as { status: string }).status);
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) return { statuses: statuses(), text, ended: true };
    text += chunk.value;
    if (text.endsWith('\n\n') && enough(statuses())) {
      // Not awaited: the stream may stay quiet until its next heartbeat.
      void reader.cancel();
      return { statuses: statuses(), text, ended: false };
    }
  }
}
