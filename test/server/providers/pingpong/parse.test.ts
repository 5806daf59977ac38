import { describe, expect, it } from 'vitest';
import { PingPongNotifications } from '../../../../server/src/providers/pingpong/notifications.ts';
import { pingpongSignOf } from '../../../../server/src/sandbox/pingpong/verify.ts';
import { PINGPONG, testPingPongSettings } from '../../support/harness.ts';

const notifications = new PingPongNotifications(testPingPongSettings());

function signed(bizContent: unknown, fields: Record<string, unknown> = {}): Buffer {
  const envelope: Record<string, unknown> = {
    accId: PINGPONG.accId,
    clientId: PINGPONG.clientId,
    bizContent: typeof bizContent === 'string' ? bizContent : JSON.stringify(bizContent),
    signType: 'SHA256',
    ...fields,
  };
  envelope['sign'] = pingpongSignOf(envelope, PINGPONG.salt, 'SHA256').toLowerCase();
  return Buffer.from(JSON.stringify(envelope));
}

const parse = (body: Buffer) => notifications.parse(body);
const refusal = (body: Buffer) => {
  try {
    parse(body);
  } catch (error) {
    const e = error as { code: string; cause?: Error };
    return `${e.code}: ${e.cause?.message}`;
  }
  return 'accepted';
};

describe('reading a PingPong notification (SECURITY 16)', () => {
  it('refuses, with its reason kept as the cause, what is not a notification of ours', () => {
    expect(refusal(Buffer.from('status=SUCCESS'))).toBe('UNAUTHENTICATED: notification is not JSON');
    expect(refusal(Buffer.from('null'))).toBe('UNAUTHENTICATED: notification sign is wrong');
    expect(refusal(Buffer.from('"text"'))).toBe('UNAUTHENTICATED: notification sign is wrong');
    const good = JSON.parse(signed({ requestId: 'r1', status: 'SUCCESS' }).toString()) as Record<
      string,
      unknown
    >;
    expect(refusal(Buffer.from(JSON.stringify({ ...good, sign: 'A'.repeat(64) })))).toBe(
      'UNAUTHENTICATED: notification sign is wrong',
    );
    expect(refusal(signed({ requestId: 'r1' }, { accId: 'ACC-OTHER' }))).toBe(
      'UNAUTHENTICATED: notification for another account',
    );
    expect(refusal(signed({ requestId: 'r1' }, { clientId: 'CLIENT-OTHER' }))).toBe(
      'UNAUTHENTICATED: notification for another account',
    );
  });

  it('names the notification by its sign, in upper case', () => {
    const body = signed({ requestId: 'r1', status: 'SUCCESS', token: 't' });
    const sign = (JSON.parse(body.toString()) as { sign: string }).sign;
    expect(parse(body).dedupeKey).toBe(sign.toUpperCase());
  });

  it.each([
    [
      { requestId: 'r1', status: 'SUCCESS', token: 'ppt_1' },
      { kind: 'link', requestId: 'r1', status: 'linked', secret: 'ppt_1' },
    ],
    [
      { requestId: 'r1', status: 'success', token: 'ppt_1' },
      { kind: 'link', requestId: 'r1', status: 'linked', secret: 'ppt_1' },
    ],
    [{ requestId: 'r1', status: 'SUCCESS' }, undefined],
    [{ requestId: 'r1', status: 'SUCCESS', token: 42 }, undefined],
    [{ requestId: 'r1', status: 'PENDING', token: 'ppt_1' }, undefined],
    [
      { requestId: 'r1', status: 'FAILED' },
      { kind: 'link', requestId: 'r1', status: 'failed', errorCode: 'PROVIDER_REJECTED' },
    ],
    [
      { requestId: 'r1', status: 'CANCELLED' },
      { kind: 'link', requestId: 'r1', status: 'cancelled' },
    ],
    [
      { requestId: 'r1', status: 'CANCEL' },
      { kind: 'link', requestId: 'r1', status: 'cancelled' },
    ],
    [
      { requestId: 'r1', status: 'UNBIND' },
      { kind: 'link', requestId: 'r1', status: 'unlinked' },
    ],
    [{ requestId: 'r1', status: 'CLOSED' }, undefined],
    [{ requestId: 'r1', status: 'SOMETHING' }, undefined],
    [
      { requestId: 'p1', merchantTransactionId: 'tx', status: 'SUCCESS' },
      { kind: 'payment', requestId: 'p1', status: 'succeeded' },
    ],
    [
      { requestId: 'p1', merchantTransactionId: 'tx', status: 'FAILED' },
      { kind: 'payment', requestId: 'p1', status: 'failed' },
    ],
    [
      { requestId: 'p1', merchantTransactionId: 'tx', status: 'CLOSED' },
      { kind: 'payment', requestId: 'p1', status: 'failed' },
    ],
    [{ requestId: 'p1', merchantTransactionId: 'tx', status: 'CANCELLED' }, undefined],
    [{ requestId: 'p1', merchantTransactionId: 'tx', status: 'PROCESSING' }, undefined],
  ])('reads %j as %j', (business, change) => {
    expect(parse(signed(business))).toEqual({ dedupeKey: expect.any(String), change });
  });

  it.each([
    ['not json', 'bizContent is not a JSON object'],
    ['null', 'bizContent is not a JSON object'],
    ['[]', 'bizContent is not a JSON object'],
    ['"SUCCESS"', 'bizContent is not a JSON object'],
    ['', 'bizContent is not a JSON object'],
    ['{"status":"SUCCESS"}', 'bizContent names no requestId'],
    ['{"requestId":7,"status":"SUCCESS"}', 'bizContent names no requestId'],
    ['{"requestId":"","status":"SUCCESS"}', 'bizContent names no requestId'],
  ])('marks an authentic notification whose bizContent is %j unreadable', (bizContent, reason) => {
    expect(parse(signed(bizContent))).toEqual({
      dedupeKey: expect.any(String),
      change: undefined,
      unreadable: reason,
    });
  });
});
