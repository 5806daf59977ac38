import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../server/src/store/sqlite.ts';
import { createHttpClient, type HttpClient } from '../../../server/src/transport/http-client.ts';
import type { ProviderModule } from '../../../server/src/providers/types.ts';
import { BUYER, SHOP_ORIGIN, startHarness, type Harness } from '../support/harness.ts';

/** How the suite drives one provider against its own sandbox. */
export interface ConformanceFixture {
  module: ProviderModule;
  /** The provider's settings in the harness (its base URL names the only host it may call). */
  settings(): { baseUrl: string };
  /** One browser flow that calls the provider; returns the answer the browser got. */
  exercise(h: Harness, sessionToken: string): Promise<Response>;
  /** This sandbox's fault names for a provider that never answers, and for an answer that is not authentic. */
  faults: { hang: string; tamper: string };
  /** Strings of the provider's answers the contract lets through to the browser (a page URL, the SSO code). */
  allowedInBrowser(value: string): boolean;
}

interface Exchange {
  url: string;
  request: string;
  answer: string;
}

/** A buyer whose every personal value is a canary. */
const CANARY_BUYER = {
  merchantUserId: 'canary-buyer',
  email: 'canary.leak.4d2e@example.com',
  phone: '+821077665544',
  ci: Buffer.from('conformance-canary-ci-'.repeat(4)).toString('base64').slice(0, 86) + '==',
  firstName: 'Canaryconform',
};

/**
 * Every browser route a link or launch touches, answers and headers kept: the launch itself,
 * the link's view, the buyer's current link, the link's event stream (its first event) and the
 * redirect URL. Returns the texts.
 */
async function scanBrowserRoutes(h: Harness, token: string, launch: () => Promise<Response>) {
  const texts: string[] = [];
  const keep = async (answer: Response) => {
    const text = await answer.text();
    texts.push(JSON.stringify([...answer.headers]), text);
    return text;
  };
  const started = JSON.parse(await keep(await launch())) as { linkId?: string };
  const get = (path: string) =>
    fetch(h.url + path, { headers: { origin: SHOP_ORIGIN, authorization: `Bearer ${token}` } });
  if (started.linkId) {
    const view = JSON.parse(await keep(await get(`/v1/links/${started.linkId}`))) as { provider: string };
    await keep(await get(`/v1/links?provider=${view.provider}`));
    const stream = await get(`/v1/links/${started.linkId}/events`);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    texts.push(JSON.stringify([...stream.headers]), (await reader.read()).value ?? '');
    await reader.cancel();
  }
  return texts;
}

/** The harness's HTTP client, counting and recording every call that goes through the transport. */
function recordingClient(): { client: HttpClient & { close(): void }; exchanges: Exchange[] } {
  const inner = createHttpClient();
  const exchanges: Exchange[] = [];
  const client = Object.assign(
    async (request: Parameters<HttpClient>[0]) => {
      const response = await inner(request);
      exchanges.push({
        url: request.url,
        request: `${request.url} ${JSON.stringify(request.headers)} ${String(request.body ?? '')}`,
        answer: response.body.toString('utf8'),
      });
      return response;
    },
    { close: () => inner.close() },
  );
  return { client, exchanges };
}

/** Every string inside a JSON text, nested JSON strings included: what a careless path could echo. */
function stringsIn(text: string, depth = 0): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return depth === 0 ? [] : [text];
  }
  const found: string[] = [];
  const visit = (node: unknown) => {
    if (typeof node === 'string') {
      found.push(node);
      if (/^[[{]/.test(node) && depth < 2) found.push(...stringsIn(node, depth + 1));
    } else if (typeof node === 'number') found.push(String(node));
    else if (node && typeof node === 'object') Object.values(node).forEach(visit);
  };
  visit(value);
  return found;
}

/**
 * What every adapter promises, checked against its own sandbox: it calls only its configured
 * host, and only through the transport; it refuses an answer that is not authentic and stores
 * nothing then; a hanging provider ends at the deadline; the browser never sees the provider's
 * ids, tokens or text; configured secrets never reach a log line.
 */
export function conformanceSuite(name: string, fixture: ConformanceFixture): void {
  describe(`${name} adapter conformance`, () => {
    let h: Harness;
    let exchanges: Exchange[];
    const start = async (config: Record<string, unknown> = {}) => {
      const recording = recordingClient();
      exchanges = recording.exchanges;
      h = await startHarness({ config, deps: { http: recording.client } });
      return h.session();
    };
    const sandbox = () => h.sandboxes.get(fixture.module.id)!;
    afterEach(async () => {
      await h?.close();
    });

    it('calls only its configured host', async () => {
      const token = await start();
      expect((await fixture.exercise(h, token)).status).toBeLessThan(300);
      const allowed = new URL(fixture.settings().baseUrl).host;
      expect(h.upstream.length).toBeGreaterThan(0);
      expect(h.upstream.map((url) => new URL(url).host)).toEqual(h.upstream.map(() => allowed));
    });

    it('makes every call through the transport', async () => {
      const token = await start();
      await fixture.exercise(h, token);
      // The recording client sits under the transport: a call made any other way is not in it.
      expect(exchanges.map((e) => e.url)).toEqual(h.upstream);
    });

    it('refuses an answer that is not authentic, and stores nothing of it', async () => {
      const token = await start();
      sandbox().failNext(fixture.faults.tamper);
      const answer = await fixture.exercise(h, token);
      expect(answer.status).toBeGreaterThanOrEqual(500);
      const body = (await answer.json()) as { error: { code: string } };
      expect(['PROVIDER_REJECTED', 'PROVIDER_UNAVAILABLE']).toContain(body.error.code);
      expect(await h.store.getProviderAccount(BUYER.merchantUserId, fixture.module.id)).toBeUndefined();
      const links = await h.store.listLinks(BUYER.merchantUserId);
      expect(links.filter((l) => l.status === 'linked' || l.tokenSealed !== null)).toEqual([]);
    });

    it('ends a call to a provider that hangs at its deadline', async () => {
      const token = await start({ deadlineMs: 300 });
      sandbox().failNext(fixture.faults.hang);
      const answer = await fixture.exercise(h, token);
      expect(answer.status).toBe(503);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('PROVIDER_UNAVAILABLE');
    });

    it('lets no provider id, token or text through to the browser', async () => {
      const token = await start();
      const answers = [await (await fixture.exercise(h, token)).text()];
      for (const fault of ['tamper', 'hang'] as const) {
        sandbox().failNext(fixture.faults[fault]);
        answers.push(await (await fixture.exercise(h, token)).text());
      }
      const upstream = exchanges.flatMap((e) => stringsIn(e.answer));
      const leaked = upstream
        .filter((value) => value.length >= 6 && !fixture.allowedInBrowser(value))
        .filter((value) => answers.some((answer) => answer.includes(value)));
      expect(upstream.length).toBeGreaterThan(0);
      expect(leaked).toEqual([]);
    });

    it('leaks no canary, provider token, code or id through any route, log line or the database file', async () => {
      const dbPath = join(mkdtempSync(join(tmpdir(), 'linkgate-leaks-')), 'leaks.db');
      const recording = recordingClient();
      exchanges = recording.exchanges;
      h = await startHarness({ store: new SqliteStore(dbPath), deps: { http: recording.client } });
      const token = await h.session(CANARY_BUYER);
      const browser = await scanBrowserRoutes(h, token, () => fixture.exercise(h, token));
      for (const fault of ['tamper', 'hang'] as const) {
        sandbox().failNext(fixture.faults[fault]);
        browser.push(await (await fixture.exercise(h, token)).text());
      }
      browser.push(await (await h.merchant(`/v1/users/${CANARY_BUYER.merchantUserId}/links`)).text());
      const sent = exchanges.map((e) => e.request).join('\n');
      // What the provider gave us that we did not send it: its tokens, codes and ids.
      const learned = exchanges
        .flatMap((e) => stringsIn(e.answer))
        .filter((value) => value.length >= 12 && /^[\w+/=.-]+$/.test(value) && !sent.includes(value))
        .filter((value) => !/^\d{4}-\d\d-\d\dT/.test(value));
      const configured = fixture.module.secrets(fixture.settings() as never);
      const buyer = [CANARY_BUYER.email, CANARY_BUYER.phone, CANARY_BUYER.ci];
      const logs = h.logs.text();
      const database = [dbPath, `${dbPath}-wal`]
        .filter((path) => existsSync(path))
        .map((path) => readFileSync(path).toString('latin1'))
        .join('');
      expect(database).toContain(CANARY_BUYER.merchantUserId);
      expect(exchanges.length).toBeGreaterThan(0);
      // A provider's reference for a pending link (its transaction id) is kept in the clear to match returns.
      const references = (await h.store.listLinks(CANARY_BUYER.merchantUserId)).map((l) => l.providerRef);
      const leaks = (where: string, text: string, values: readonly string[]) =>
        values.filter((value) => text.includes(value)).map((value) => `${where}: ${value}`);
      const browserText = browser.join('\n');
      expect([
        ...leaks('browser', browserText, [...buyer, ...configured]),
        ...leaks(
          'browser',
          browserText,
          learned.filter((value) => !fixture.allowedInBrowser(value)),
        ),
        ...leaks('log', logs, [...buyer, ...configured, ...learned]),
        ...leaks('database', database, [
          ...buyer,
          ...configured,
          ...learned.filter((value) => !references.includes(value)),
          CANARY_BUYER.firstName,
        ]),
      ]).toEqual([]);
    });

    it('keeps configured secrets out of every log line', async () => {
      const token = await start();
      const secrets = fixture.module.secrets(fixture.settings() as never);
      const keys = fixture.module
        .selfTestKeys(fixture.settings() as never)
        .map((key) => key.export({ type: 'pkcs8', format: 'der' }).toString('base64').slice(40, 100));
      await fixture.exercise(h, token);
      sandbox().failNext(fixture.faults.tamper);
      await fixture.exercise(h, token);
      expect(secrets.length + keys.length).toBeGreaterThan(0);
      for (const secret of [...secrets, ...keys]) expect(h.logs.text()).not.toContain(secret);
    });
  });
}
