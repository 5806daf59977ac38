// `npm run screenshots`: renders every state of each element, light and dark, 375 and 1280 px wide,
// into docs/screenshots/*.png. The built bundle runs on a gallery page under the contract's CSP,
// against a scripted BFF on the same origin that puts each element into one state (chosen by its
// session token). Chromium is the system's (CHROME_PATH, else /usr/bin/chromium); nothing is fetched.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';

const root = new URL('..', import.meta.url);
const outDir = new URL('docs/screenshots/', root);
const policy =
  "script-src 'self'; style-src 'self'; require-trusted-types-for 'script'; trusted-types lit-html 'allow-duplicates'";

const walletStates = ['idle', 'working', 'pending', 'linked', 'failed', 'cancelled', 'unavailable'];

/**
 * Each element's states, as the gallery shows them, top to bottom. `app only` is the wallet button of a
 * service that links with its app's code, on a page that has no way to get one: unavailable, saying why.
 */
const galleries = {
  'codegrant-signup': walletStates,
  'connect-wallet': [...walletStates, 'app only'],
  'sso-link': ['idle', 'working', 'failed', 'unavailable'],
};

/** Each element's markup in one state; `session-token` tells the scripted BFF which state to answer. */
const markups = {
  'sso-link': (state, common) =>
    `<linkgate-sso-link provider="shop-marketplace" ${state === 'unavailable' ? '' : 'path="/items/1"'} ${common}>Buy on the marketplace</linkgate-sso-link>`,
  'codegrant-signup': (_state, common) =>
    `<linkgate-codegrant-signup provider="wallets" payment-method="AlipayHK" ${common}></linkgate-codegrant-signup>`,
  'connect-wallet': (state, common) =>
    `<linkgate-connect-wallet provider="${state === 'app-only' ? 'app-wallet' : 'page-wallet'}" ${common}></linkgate-connect-wallet>`,
};

function galleryPage(element) {
  const rows = [...galleries[element], 'focused']
    .map((shown) => {
      // The last row is the idle element again, focused from the keyboard: its focus ring.
      const state = shown === 'focused' ? 'idle' : shown.replace(' ', '-');
      const want = state === 'app-only' ? 'unavailable' : state;
      const common = `api-base="/bff" session-token="${state}" data-want="${want}"${shown === 'focused' ? ' data-focus' : ''}`;
      return `<div class="row"><code>${shown}</code>${markups[element](state, common)}</div>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${element}</title><link rel="stylesheet" href="/gallery.css">
<script type="module" src="/linkgate.js"></script><script type="module" src="/gallery.js"></script>
</head><body><h1>&lt;linkgate-${element}&gt;</h1>${rows}</body></html>`;
}

const galleryCss = `:root { color-scheme: light dark; background: Canvas; color: CanvasText;
  font: 16px/1.5 system-ui, sans-serif; }
body { margin: 0; padding: 16px 20px 24px; }
h1 { font-size: 18px; margin: 0 0 12px; }
.row { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 4px 20px; padding: 12px 0;
  border-top: 1px solid color-mix(in srgb, CanvasText 15%, transparent); }
.row code { flex: 0 0 7.5em; padding-top: 10px; opacity: 0.7; }
@media (max-width: 480px) { .row code { flex-basis: 100%; padding-top: 0; } }`;

// Starts the states that need a click once the elements have checked where the buyer stands. The
// provider's page would open in a popup: here a stand-in window that stays open, as a buyer's would.
// A wallet button clicks once the BFF has said how its service links (refresh() resolves then).
const galleryJs = `window.open = () => ({ closed: false, location: { replace() {} }, close() {}, focus() {} });
for (const element of document.querySelectorAll('[data-want]')) {
  await customElements.whenDefined(element.localName);
  await element.updateComplete;
  if (!['working', 'pending', 'failed', 'cancelled'].includes(element.dataset.want)) continue;
  await element.refresh?.();
  await new Promise((resolve) => {
    const ready = () => element.getAttribute('state') === 'idle' && resolve();
    new MutationObserver(ready).observe(element, { attributes: true });
    ready();
  });
  element.shadowRoot.querySelector('[part="button"], [part="link"]').click();
}`;

const view = (state, status = state, provider = 'wallets') => ({ linkId: `lnk_${state}`, provider, status });
const error = (code, message) => ({ error: { code, message, retryable: false, requestId: 'req_shot' } });

/** How each made-up service links, and its name as the BFF gives it. */
const offers = {
  wallets: { flow: 'page', name: 'AlipayHK' },
  'page-wallet': { flow: 'page', name: 'EasyPay' },
  'app-wallet': { flow: 'app-code', name: 'VodaPay' },
};

/** The scripted BFF: what each session token's element is answered. */
function bff(request, response, state, held) {
  const json = (status, body) =>
    response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  const url = new URL(request.url, 'http://gallery');
  const route = url.pathname.replace(/^\/bff/, '');
  if (request.method === 'GET' && route === '/v1/links') {
    if (state === 'unavailable') return json(503, error('PROVIDER_DISABLED', 'Disabled.'));
    const provider = url.searchParams.get('provider');
    return json(200, {
      link: state === 'linked' ? view('linked', 'linked', provider) : null,
      ...offers[provider],
    });
  }
  if (state === 'working') return held.push(response);
  if (state === 'failed') return json(502, error('PROVIDER_REJECTED', 'Declined.'));
  if (request.method === 'POST' && route === '/v1/links')
    return json(201, { linkId: `lnk_${state}`, status: 'pending', redirectUrl: 'http://127.0.0.1:9/' });
  if (route.endsWith('/events')) {
    response.writeHead(200, { 'Content-Type': 'text/event-stream' });
    response.write(`data: ${JSON.stringify(view(state, state === 'linked' ? 'linked' : 'pending'))}\n\n`);
    if (state === 'cancelled') response.end(`data: ${JSON.stringify(view('cancelled'))}\n\n`);
    else held.push(response);
    return undefined;
  }
  return json(404, error('NOT_FOUND', 'Not here.'));
}

async function serve(bundle) {
  const held = [];
  const server = createServer((request, response) => {
    const { pathname, searchParams } = new URL(request.url, 'http://gallery');
    const headers = { 'Content-Security-Policy': policy, 'Cache-Control': 'no-store' };
    if (pathname.startsWith('/bff/')) {
      const state = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      return bff(request, response, state, held);
    }
    const files = {
      '/': ['text/html', () => galleryPage(searchParams.get('element'))],
      '/gallery.css': ['text/css', () => galleryCss],
      '/gallery.js': ['text/javascript', () => galleryJs],
      '/linkgate.js': ['text/javascript', () => bundle],
    };
    const file = files[pathname];
    if (!file) return response.writeHead(404).end();
    response.writeHead(200, { ...headers, 'Content-Type': file[0] }).end(file[1]());
    return undefined;
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      for (const response of held) response.destroy();
      server.close();
    },
  };
}

execFileSync(process.execPath, [new URL('scripts/build-widget.mjs', root).pathname], { stdio: 'ignore' });
const bundle = await readFile(new URL('dist/widget/linkgate.js', root));
await mkdir(outDir, { recursive: true });
const server = await serve(bundle);
const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  // An element the bundle does not define (yet) has no gallery.
  for (const element of Object.keys(galleries).filter((name) => bundle.includes(`linkgate-${name}`))) {
    for (const scheme of ['light', 'dark']) {
      for (const width of [375, 1280]) {
        const page = await browser.newPage({ viewport: { width, height: 600 }, deviceScaleFactor: 1 });
        // Spinners stand still, so that each run draws the same picture.
        await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
        await page.goto(`${server.origin}/?element=${element}`);
        await page.waitForFunction(() =>
          [...globalThis.document.querySelectorAll('[data-want]')].every(
            (shown) => shown.getAttribute('state') === shown.dataset.want,
          ),
        );
        // Focus, which a closed popup gives back to its element, ends on the one row that shows it.
        await page.evaluate(() => {
          const focused = globalThis.document.querySelector('[data-focus]');
          focused.shadowRoot.querySelector('[part="button"], [part="link"]').focus({ preventScroll: true });
        });
        const file = new URL(`${element}-${scheme}-${width}.png`, outDir);
        // Cut to what is drawn: the wide page has nothing right of its rows, and the files stay small.
        const { right, bottom } = await page.evaluate(() => {
          const drawn = [...globalThis.document.querySelectorAll('.row > *')].map((node) =>
            node.getBoundingClientRect(),
          );
          return {
            right: Math.max(...drawn.map((box) => box.right)),
            bottom: Math.max(...drawn.map((box) => box.bottom)),
          };
        });
        const clip = {
          x: 0,
          y: 0,
          width: Math.min(width, Math.ceil(right) + 24),
          height: Math.ceil(bottom) + 24,
        };
        await page.screenshot({ path: file.pathname, clip, fullPage: true });
        console.log(`docs/screenshots/${element}-${scheme}-${width}.png`);
        await page.close();
      }
    }
  }
} finally {
  await browser.close();
  server.close();
}
