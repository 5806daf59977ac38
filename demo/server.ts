import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { closeOnSignals, run, type Running } from '../server/src/run.ts';
import { webhookRoutes, withDemoWebhooks } from './webhooks.ts';

/**
 * The demo shop: a merchant page using the elements, and the merchant's own backend, which mints
 * buyer sessions by calling Linkgate's server-to-server API over HTTP exactly as a real shop would.
 */
interface Buyer {
  email: string;
  firstName: string;
  lastName: string;
  locale: string;
  phone: string;
  /** Korean connecting information (88 characters of base64): made up, as a Korean shop would hold one. */
  ci?: string;
}

const BUYERS: Record<string, Buyer> = {
  'buyer-1001': {
    email: 'minji.park@example.com',
    firstName: 'Minji',
    lastName: 'Park',
    locale: 'ko',
    phone: '+821012345678',
    ci: Buffer.from('demo-ci-minji-park-'.repeat(4).slice(0, 66)).toString('base64'),
  },
  'buyer-1002': {
    email: 'alex.chan@example.com',
    firstName: 'Alex',
    lastName: 'Chan',
    locale: 'zh-HK',
    phone: '+85291234567',
  },
  'buyer-1003': {
    email: 'sam.taylor@example.com',
    firstName: 'Sam',
    lastName: 'Taylor',
    locale: 'en',
    phone: '+27821234567',
  },
};

/** What the shop charges with each wallet it offers at checkout. */
const CHECKOUT: Record<string, { amount: string; currency: string; paymentMethod?: string }> = {
  pingpong: { amount: '25.00', currency: 'HKD', paymentMethod: 'AlipayHK' },
  fintech33: { amount: '25.00', currency: 'USD' },
};

/** Items the shop sells besides each wallet's checkout: 33 Fintech's sandbox declines amounts ending .13. */
const ITEMS: Record<string, { provider: string; amount: string }> = {
  'gift-card': { provider: 'fintech33', amount: '12.13' },
};

const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types lit-html 'allow-duplicates'",
].join('; ');

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

function demoRoutes(app: Express, running: Omit<Running, 'close'>): void {
  const bundle = readFileSync(here('../dist/widget/linkgate.js'));
  const files: Record<string, { type: string; body: Buffer | string }> = {
    '/': { type: 'text/html; charset=utf-8', body: readFileSync(here('./public/index.html')) },
    '/demo/shop.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(here('./public/shop.js')) },
    '/demo/shop.css': { type: 'text/css; charset=utf-8', body: readFileSync(here('./public/shop.css')) },
    '/demo/mini-program.html': {
      type: 'text/html; charset=utf-8',
      body: readFileSync(here('./public/mini-program.html')),
    },
    '/demo/linkgate.js': { type: 'text/javascript; charset=utf-8', body: bundle },
  };
  for (const script of ['backend.js', 'wallets.js', 'mini-program.js'])
    files[`/demo/${script}`] = {
      type: 'text/javascript; charset=utf-8',
      body: readFileSync(here(`./public/${script}`)),
    };
  for (const [path, file] of Object.entries(files)) {
    app.get(path, (_req, res) => {
      res.set({
        'content-type': file.type,
        'content-security-policy': PAGE_CSP,
        'cache-control': 'no-store',
      });
      res.send(file.body);
    });
  }
  // The merchant's backend: it knows who is logged in to the shop and asks Linkgate for a session.
  app.post('/demo/session', express.json({ limit: '1kb' }), async (req, res) => {
    const buyerId = String((req.body as { buyer?: unknown } | undefined)?.buyer ?? '');
    const buyer = BUYERS[buyerId];
    if (!buyer) return void res.status(400).json({ error: 'unknown buyer' });
    const answer = await fetch(`${running.url}/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${running.config.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ merchantUserId: buyerId, ...buyer }),
    });
    const body = (await answer.json()) as { sessionToken?: string; expiresAt?: string };
    if (!answer.ok || !body.sessionToken) return void res.status(502).json({ error: 'session failed' });
    res.json({ sessionToken: body.sessionToken, expiresAt: body.expiresAt });
  });
  // Checkout with the buyer's linked wallet: the shop's backend charges it, the browser never sees a token.
  const merchantApi = (
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    fetch(`${running.url}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        authorization: `Bearer ${running.config.apiKey}`,
        'content-type': 'application/json',
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const buyerOf = (req: express.Request) => {
    const id = String((req.body as { buyer?: unknown } | undefined)?.buyer ?? '');
    return BUYERS[id] ? id : undefined;
  };
  const providerOf = (req: express.Request) => {
    const provider = String((req.body as { provider?: unknown } | undefined)?.provider ?? 'pingpong');
    return Object.hasOwn(CHECKOUT, provider) ? provider : undefined;
  };
  app.post('/demo/pay', express.json({ limit: '1kb' }), async (req, res) => {
    const buyer = buyerOf(req);
    const provider = providerOf(req);
    if (!buyer || !provider) return void res.status(400).json({ error: 'unknown buyer or wallet' });
    const itemName = (req.body as { item?: unknown }).item;
    const item = itemName === undefined ? undefined : ITEMS[String(itemName)];
    if (itemName !== undefined && item?.provider !== provider)
      return void res.status(400).json({ error: 'unknown item' });
    const order = `order-${Date.now()}-${randomBytes(3).toString('hex')}`;
    const answer = await merchantApi('/v1/payments', {
      headers: { 'idempotency-key': `demo-${order}` },
      body: {
        provider,
        merchantUserId: buyer,
        merchantTransactionId: order,
        ...CHECKOUT[provider],
        ...(item && { amount: item.amount }),
      },
    });
    const body = (await answer.json()) as { paymentId?: string; status?: string; error?: { code: string } };
    res
      .status(answer.ok ? 200 : 409)
      .json({ order, paymentId: body.paymentId, status: body.status, error: body.error?.code });
  });
  app.get('/demo/payments/:paymentId', async (req, res) => {
    const answer = await merchantApi(`/v1/payments/${encodeURIComponent(req.params.paymentId)}`);
    res.status(answer.status).json(await answer.json());
  });
  app.post('/demo/unlink', express.json({ limit: '1kb' }), async (req, res) => {
    const buyer = buyerOf(req);
    if (!buyer) return void res.status(400).json({ error: 'unknown buyer' });
    const listed = (await (await merchantApi(`/v1/users/${buyer}/links`)).json()) as {
      links: Array<{ linkId: string; provider: string; status: string }>;
    };
    const provider = String((req.body as { provider?: unknown } | undefined)?.provider ?? 'pingpong');
    const linked = listed.links.filter((l) => l.provider === provider && l.status === 'linked');
    for (const link of linked) await merchantApi(`/v1/links/${link.linkId}`, { method: 'DELETE' });
    res.json({ unlinked: linked.length });
  });
  app.get('/demo/wallet-status', async (req, res) => {
    const buyer = String(req.query['buyer'] ?? '');
    if (!BUYERS[buyer]) return void res.status(400).json({ error: 'unknown buyer' });
    const listed = (await (await merchantApi(`/v1/users/${buyer}/links`)).json()) as {
      links: Array<{ provider: string; status: string }>;
    };
    res.json({ linked: listed.links.some((l) => l.provider === 'pingpong' && l.status === 'linked') });
  });
  // Inside the VodaPay app the mini program asks the app for a one-time code; here the shop's
  // backend asks the sandbox for one on the page's behalf (the page's CSP allows only its own origin).
  app.post('/demo/vodapay/authcode', express.json({ limit: '1kb' }), async (req, res) => {
    const buyer = buyerOf(req);
    if (!buyer || !running.sandboxUrl) return void res.status(400).json({ error: 'unknown buyer' });
    const { firstName, lastName } = BUYERS[buyer]!;
    const answer = await fetch(`${running.sandboxUrl}/vodapay/_sandbox/authcode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { userId: `vp-${buyer}`, firstName, lastName } }),
    });
    if (!answer.ok) return void res.status(502).json({ error: 'no code' });
    // The code alone: nothing else of the sandbox's answer goes to the page.
    res.json({ authCode: ((await answer.json()) as { authCode: string }).authCode });
  });
  // Linkgate's webhooks to the shop's backend, verified; the page lists them beside the element events.
  if (running.config.webhook) webhookRoutes(app, running.config.webhook.secrets);
  app.get('/favicon.ico', (_req, res) => void res.status(204).end());
  app.get('/demo/buyers', (_req, res) => {
    res.json(
      Object.entries(BUYERS).map(([id, b]) => ({
        id,
        name: `${b.firstName} ${b.lastName}`,
        locale: b.locale,
      })),
    );
  });
}

const print = (line: string) => process.stdout.write(`${line}\n`);
try {
  const env = withDemoWebhooks(process.env);
  const running = await run({ env, sandboxDefault: true, extend: demoRoutes, print });
  print(`Linkgate demo shop: ${running.url}/`);
  print(
    `Sandboxes: ${running.sandboxUrl ?? 'off'} (wallet accounts: ${running.sandboxUrl}/pingpong/wallet/accounts)`,
  );
  closeOnSignals(running, print);
} catch (error) {
  process.stderr.write(`linkgate demo: ${error instanceof Error ? error.message : 'start failed'}\n`);
  process.exit(1);
}
