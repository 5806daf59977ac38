/*
 * Checks the built CDN bundle (run `node scripts/build-widget.mjs` first); exits non-zero on failure.
 * SECURITY 3: no eval, no new Function, no string innerHTML, no style= attributes, and a wrong
 * `integrity` blocks it. SECURITY 5: no postMessage at all. Also: one file, no source map, sri.json
 * matching, gzip within the budget below, and the bundle defines its elements under the contract's CSP with zero
 * violations.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const outDir = new URL('../dist/widget/', import.meta.url);
// The goal is 12 KiB for everything (npm run bench reports it). The three elements with their current-
// link check, styles (light and dark) and en/ko/zh-HK texts are 11,975 B gzipped (11.7 KiB); built
// alone, Lit's ReactiveElement is about 2.9 KB gzipped and the texts about 2.1 KB. The elements build
// their shadow DOM with elements/dom.ts, without lit-html, and vite.config.ts minifies the file twice
// (esbuild, then terser). This budget is today's size rounded up to the next 64 B, so that growth does
// not pass unnoticed; lower it again as the bundle shrinks.
const maxGzipBytes = 12_032;
const policy =
  "script-src 'self'; style-src 'self'; require-trusted-types-for 'script'; trusted-types lit-html 'allow-duplicates'";
const failures = [];

function check(condition, message) {
  if (!condition) failures.push(message);
}

function sha384(bytes) {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

async function checkFiles() {
  const files = (await readdir(outDir)).sort();
  check(JSON.stringify(files) === '["linkgate.js","sri.json"]', `dist/widget holds ${files.join(', ')}`);
  const bytes = await readFile(new URL('linkgate.js', outDir));
  const code = bytes.toString('utf8');
  const sri = JSON.parse(await readFile(new URL('sri.json', outDir), 'utf8'));
  check(sri['linkgate.js'] === sha384(bytes), 'sri.json does not match linkgate.js');

  check(!/\beval\s*\(/.test(code), 'the bundle calls eval(');
  check(!/\bnew\s+Function\b/.test(code), 'the bundle has new Function');
  check(!/\.(?:inner|outer)HTML\s*(?:\+=|=\s*["'`])/.test(code), 'the bundle assigns a string to innerHTML');
  check(
    !/insertAdjacentHTML|document\.write/.test(code),
    'the bundle uses insertAdjacentHTML or document.write',
  );
  // The elements build their nodes (elements/dom.ts); no markup is parsed, so no innerHTML at all.
  const sinks = code.match(/\.innerHTML\s*=/g) ?? [];
  check(
    sinks.length === 0,
    `${sinks.length} innerHTML assignments; the elements build nodes, none parses markup`,
  );
  check(!/\bstyle\s*=\s*\\?["'`]/.test(code), 'the bundle has a style= attribute');
  check(!/setAttribute\(\s*["'`]style/.test(code), 'the bundle sets a style attribute');
  // Attributes also come as objects of name and value (dom.ts's h()): none may be `style`.
  check(!/[{,]\s*["'`]?style["'`]?\s*:/.test(code), 'the bundle builds an element with a style attribute');
  check(!/import\s*\(/.test(code), 'the bundle has a dynamic import (a chunk)');
  // The elements only listen to the return page; they never post, so never to "*" either.
  check(!/postMessage/.test(code), 'the bundle calls postMessage');
  check(!/sourceMappingURL/.test(code), 'the bundle references a source map');

  const gzipBytes = gzipSync(bytes, { level: 9 }).length;
  console.log(`linkgate.js: ${bytes.length} bytes, ${gzipBytes} bytes gzipped (limit ${maxGzipBytes})`);
  check(gzipBytes <= maxGzipBytes, `gzipped size ${gzipBytes} > ${maxGzipBytes}`);
  return { bytes, integrity: sri['linkgate.js'] };
}

function page(integrity) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bundle</title>
<script type="module" src="/linkgate.js" integrity="${integrity}" crossorigin="anonymous"></script></head>
<body><linkgate-sso-link provider="igv" path="/items/1">Buy on iGV</linkgate-sso-link>
<linkgate-codegrant-signup provider="pingpong" payment-method="AlipayHK"></linkgate-codegrant-signup>
<linkgate-connect-wallet provider="easypay"></linkgate-connect-wallet></body></html>`;
}

/** Loads the bundle in Chromium under the contract's CSP, with the right and with a wrong integrity. */
async function checkInBrowser({ bytes, integrity }) {
  const wrong = sha384(Buffer.from('not the bundle'));
  const server = createServer((request, response) => {
    const headers = { 'Content-Security-Policy': policy, 'Cache-Control': 'no-store' };
    if (request.url === '/linkgate.js') {
      response.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' }).end(bytes);
    } else if (request.url === '/right.html' || request.url === '/wrong.html') {
      const html = page(request.url === '/right.html' ? integrity : wrong);
      response.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(html);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const context = await browser.newContext();
    // Init scripts run outside the page's CSP, before any of its own scripts.
    await context.addInitScript(() => {
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        window.violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
      });
    });
    const rightPage = await context.newPage();
    await rightPage.goto(`${origin}/right.html`);
    const rendered = () =>
      document.querySelector('linkgate-sso-link')?.shadowRoot?.querySelector('a') &&
      document.querySelector('linkgate-codegrant-signup')?.shadowRoot?.querySelector('button') &&
      document.querySelector('linkgate-connect-wallet')?.shadowRoot?.querySelector('button');
    await rightPage.waitForFunction(rendered, undefined, { timeout: 5000 });
    const right = await rightPage.evaluate(() => ({
      states: ['linkgate-sso-link', 'linkgate-codegrant-signup', 'linkgate-connect-wallet'].map((tag) =>
        document.querySelector(tag).getAttribute('state'),
      ),
      violations: window.violations,
    }));
    check(
      right.states.join() === 'idle,idle,idle',
      `with the right integrity the states are ${right.states}`,
    );
    check(right.violations.length === 0, `CSP violations with the bundle: ${right.violations.join('; ')}`);

    const wrongPage = await context.newPage();
    await wrongPage.goto(`${origin}/wrong.html`);
    await wrongPage.waitForLoadState('load');
    const defined = await wrongPage.evaluate(() => customElements.get('linkgate-sso-link') !== undefined);
    check(!defined, 'a wrong integrity did not block the bundle');
  } finally {
    await browser.close();
    server.close();
  }
}

const bundle = await checkFiles();
await checkInBrowser(bundle).catch((error) => failures.push(`in Chromium: ${error.message.split('\n')[0]}`));
if (failures.length > 0) {
  for (const failure of failures) console.error(`bundle check: ${failure}`);
  process.exit(1);
}
console.log('bundle check: ok');
