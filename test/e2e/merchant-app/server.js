// @ts-check
// A merchant's own shop, outside Linkgate's code: plain Node, Express, and the installed package.
// It mounts Linkgate under /linkgate, serves the CDN file with its SRI integrity, and renders a page
// with a buyer's session minted by its backend over HTTP, as a real shop would.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createLinkgate, readConfig } from 'linkgate/server';

const port = Number(process.env['SHOP_PORT'] ?? 3000);
const shop = `http://localhost:${port}`;

/** @param {string} specifier */
const packageFile = (specifier) => readFileSync(fileURLToPath(import.meta.resolve(specifier)));
const bundle = packageFile('linkgate/cdn/linkgate.js');
/** @type {Record<string, string>} */
const sri = JSON.parse(packageFile('linkgate/cdn/sri.json').toString('utf8'));

const app = express();
const linkgate = createLinkgate(readConfig(process.env));
app.use('/linkgate', linkgate);
await linkgate.ready;

// Sandbox mode keeps the API key it made in the data folder, unless LINKGATE_API_KEY is set.
const apiKey =
  process.env['LINKGATE_API_KEY'] ??
  readFileSync(`${process.env['LINKGATE_DATA_DIR'] ?? './data'}/sandbox-api-key`, 'utf8');

/** The shop's backend asks Linkgate for a session for the buyer who is logged in. */
async function sessionFor(/** @type {string} */ merchantUserId) {
  const answer = await fetch(`${shop}/linkgate/v1/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      merchantUserId,
      email: 'minji.park@example.com',
      firstName: 'Minji',
      lastName: 'Park',
    }),
  });
  if (answer.status !== 201) throw new Error(`session: ${answer.status}`);
  /** @type {{ sessionToken: string }} */
  const body = await answer.json();
  return body.sessionToken;
}

const policy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "require-trusted-types-for 'script'",
  "trusted-types lit-html 'allow-duplicates'",
].join('; ');

app.get('/linkgate.js', (_req, res) => {
  res.type('text/javascript').send(bundle);
});

app.get('/', async (req, res) => {
  const token = await sessionFor(`buyer-${randomUUID()}`);
  // ?integrity=wrong shows that the browser checks the file against sri.json.
  const integrity = req.query['integrity'] === 'wrong' ? `sha384-${'A'.repeat(64)}` : sri['linkgate.js'];
  const common = `api-base="${shop}/linkgate" session-token="${token}"`;
  res
    .set('content-security-policy', policy)
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script type="module" src="/linkgate.js" integrity="${integrity}" crossorigin="anonymous"></script></head>
<body><h1>Shop</h1>
<linkgate-sso-link provider="igv" path="/items/2001591587541073922" ${common}>Buy on iGV</linkgate-sso-link>
<linkgate-codegrant-signup provider="pingpong" payment-method="AlipayHK" ${common}></linkgate-codegrant-signup>
</body></html>`,
    );
});

const server = app.listen(port, () => process.stdout.write(`Shop listening on ${shop}\n`));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void linkgate.close().then(() => process.exit(0));
});
