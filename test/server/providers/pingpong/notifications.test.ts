import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../../server/src/store/sqlite.ts';
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

describe('authentic notifications that cannot be read (dead letters)', () => {
  const metric = async (harness: Harness) => {
    const text = await (
      await fetch(`${harness.url}/metrics`, { headers: { authorization: `Bearer ${harness.config.apiKey}` } })
    ).text();
    return /linkgate_notifications_dead_lettered_total\{provider="pingpong"\} (\d+)/.exec(text)?.[1];
  };

  it('are acknowledged as PingPong expects, kept sealed, logged at error and counted, and change nothing', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'linkgate-dead-')), 'dead.db');
    h = await startHarness({ store: new SqliteStore(dbPath) });
    const counter = countChanges(h);
    const token = await h.session();
    const started = await startLink(h, token);
    const leaked = 'ppt_deadletter0secret0token00000';
    const unreadable = ['not json', 'null', '[]', '{"status":"SUCCESS"}', `{"token":"${leaked}"`];
    for (const bizContent of unreadable) {
      const answer = await postNotification(h, JSON.stringify(envelopeOf(bizContent)));
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe('');
    }
    // PingPong delivers again: acknowledged once more, kept once.
    const again = await postNotification(h, JSON.stringify(envelopeOf('not json')));
    expect(again.status).toBe(200);

    expect(counter.changes).toBe(0);
    expect((await getLink(h, token, started.body['linkId'])).body['status']).toBe('pending');
    const letters = await h.store.listDeadLetters('pingpong');
    expect(letters.map((l) => l.reason).sort()).toEqual([
      ...Array<string>(4).fill('bizContent is not a JSON object'),
      'bizContent names no requestId',
    ]);
    for (const letter of letters) expect(letter.bodySealed).toMatch(/^v1\./);
    const errors = h.logs.lines.map((l) => JSON.parse(l)).filter((l) => l.level === 50);
    expect(errors).toHaveLength(unreadable.length);
    expect(errors[0]).toMatchObject({
      provider: 'pingpong',
      msg: 'authentic notification could not be read: kept as a dead letter',
    });
    expect(await metric(h)).toBe(String(unreadable.length));
    const bytes = [dbPath, `${dbPath}-wal`]
      .filter(existsSync)
      .map((p) => readFileSync(p).toString('latin1'))
      .join('');
    expect(bytes).toContain('bizContent names no requestId');
    expect(bytes).not.toContain(leaked);
    expect(h.logs.text()).not.toContain(leaked);
  });

  it('are never made of a notification that does not verify', async () => {
    h = await startHarness();
    const forged = { ...envelopeOf('not json'), sign: 'A'.repeat(64) };
    expect((await postNotification(h, JSON.stringify(forged))).status).toBe(401);
    expect(await h.store.listDeadLetters('pingpong')).toEqual([]);
  });
});

/** The store's group commit, to hold it while deliveries queue up behind it. */
interface Group {
  queue: unknown[];
  apply: { alone(item: unknown): Promise<unknown>; together(items: unknown[]): Promise<unknown[]> };
}

describe('deliveries that arrive together', () => {
  it('ten identical deliveries in one transaction: ten acknowledgements, one change, one webhook event', async () => {
    h = await startHarness();
    h.store.outbox.enable();
    const counter = countChanges(h);
    const token = await h.session();
    const started = await startLink(h, token);
    // A first notification holds the store until the ten are queued: they then share one transaction.
    const group = (h.store as unknown as { notifications: Group }).notifications;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const alone = group.apply.alone.bind(group.apply);
    group.apply.alone = async (item) => {
      await held;
      return alone(item);
    };
    const sizes: number[] = [];
    const together = group.apply.together.bind(group.apply);
    group.apply.together = (items) => {
      sizes.push(items.length);
      return together(items);
    };
    const first = postNotification(h, JSON.stringify(envelopeOf(JSON.stringify({ requestId: 'other' }))));
    while (group.queue.length > 0 || sizes.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const business = JSON.stringify({ requestId: requestIdOf(h), status: 'SUCCESS', token: 'ppt_together' });
    const body = JSON.stringify(envelopeOf(business));
    const answers = Array.from({ length: 10 }, async () => {
      const answer = await postNotification(h, body);
      return `${answer.status} ${JSON.stringify(await answer.text())}`;
    });
    while (group.queue.length < 10) await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    expect((await first).status).toBe(200);
    expect(await Promise.all(answers)).toEqual(Array.from({ length: 10 }, () => '200 ""'));
    expect(sizes).toEqual([10]);
    expect(counter.changes).toBe(1);
    expect((await h.store.outbox.recent(100)).map((event) => event.type)).toEqual(['link.linked']);
    expect((await getLink(h, token, started.body['linkId'])).body['status']).toBe('linked');
  });
});
