import { afterEach, describe, expect, it } from 'vitest';
import { decodePingPongAnswer } from '../../../../server/src/providers/pingpong/codes.ts';
import { pingpongSignOf } from '../../../../server/src/sandbox/pingpong/verify.ts';
import { countChanges, getLink, postNotification, startLink } from '../../support/codegrant.ts';
import { PINGPONG, startHarness, testPingPongSettings, type Harness } from '../../support/harness.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** A PingPong envelope signed right, with the salt, under the sign type given. */
function envelopeOf(bizContent: string, signType: 'SHA256' | 'MD5' = 'SHA256'): Record<string, unknown> {
  const envelope: Record<string, unknown> = {
    accId: PINGPONG.accId,
    clientId: PINGPONG.clientId,
    code: '000000',
    description: 'Success',
    bizContent,
    signType,
    version: '1.0',
  };
  envelope['sign'] = pingpongSignOf(envelope, PINGPONG.salt, signType);
  return envelope;
}

const requestIdOf = (harness: Harness) =>
  (harness.pingpong as any).signUps.values().next().value.requestId as string;

describe('only the configured sign type is accepted (SECURITY 16)', () => {
  it('refuses an MD5 notification, signed right, while SHA256 is configured', async () => {
    h = await startHarness();
    const counter = countChanges(h);
    const token = await h.session();
    const started = await startLink(h, token);
    const business = JSON.stringify({ requestId: requestIdOf(h), status: 'SUCCESS', token: 'ppt_md5' });
    expect((await postNotification(h, JSON.stringify(envelopeOf(business, 'MD5')))).status).toBe(401);
    expect(counter.changes).toBe(0);
    expect((await getLink(h, token, started.body['linkId'])).body['status']).toBe('pending');
    // The same content under the configured type is taken.
    expect((await postNotification(h, JSON.stringify(envelopeOf(business)))).status).toBe(200);
    expect((await getLink(h, token, started.body['linkId'])).body['status']).toBe('linked');
  });

  it('refuses an MD5 answer, signed right, while SHA256 is configured', () => {
    const answer = (envelope: Record<string, unknown>) =>
      decodePingPongAnswer(testPingPongSettings(), {
        status: 200,
        headers: new Headers(),
        body: Buffer.from(JSON.stringify(envelope)),
      });
    expect(answer(envelopeOf('{"a":1}')).business).toEqual({ a: 1 });
    expect(() => answer(envelopeOf('{"a":1}', 'MD5'))).toThrow(
      expect.objectContaining({ code: 'PROVIDER_REJECTED' }),
    );
  });
});
