import { randomBytes } from 'node:crypto';
import { escapeHtml, type SandboxResponse } from '../http.ts';
import type { SignUp } from './sandbox.ts';

/** The wallet's sign-up page: Approve or Cancel, each a form POST back to the sandbox. */
export function signUpPage(signUp: SignUp, publicBase: string): SandboxResponse {
  const nonce = randomBytes(12).toString('base64');
  const action = (verb: string) => `${publicBase}/wallet/${signUp.id}/${verb}`;
  const cut = signUp.cutOpener ? `<script nonce="${nonce}">window.opener = null;</script>` : '';
  return walletHtml(
    `${signUp.wallet} · link to merchant`,
    `<p>The merchant asks to charge your ${escapeHtml(signUp.wallet)} wallet without asking each time.</p>
<p>Account: <strong>${escapeHtml(signUp.merchantUserId)}</strong></p>
<form method="post" action="${escapeHtml(action('approve'))}"><button type="submit" data-action="approve">Approve</button></form>
<form method="post" action="${escapeHtml(action('cancel'))}"><button type="submit" data-action="cancel">Cancel</button></form>${cut}`,
    nonce,
  );
}

/** The wallet's own list of linked merchants, where a buyer can unbind one. */
export function accountsPage(
  accounts: Iterable<SignUp & { bound: boolean }>,
  merchantUserId: string | null,
  publicBase: string,
): SandboxResponse {
  const rows = [...accounts]
    .filter((a) => a.bound && (!merchantUserId || a.merchantUserId === merchantUserId))
    .map(
      (a) =>
        `<li>${escapeHtml(a.wallet)} for ${escapeHtml(a.merchantUserId)} <form method="post" action="${escapeHtml(
          `${publicBase}/wallet/accounts/${a.id}/unbind`,
        )}"><button type="submit" data-action="unbind">Unbind in wallet</button></form></li>`,
    );
  return walletHtml(
    'Linked merchants',
    rows.length ? `<ul>${rows.join('')}</ul>` : '<p>No linked merchants.</p>',
    '',
  );
}

function walletHtml(title: string, body: string, nonce: string): SandboxResponse {
  return {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce || 'none'}'`,
      'cache-control': 'no-store',
    },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Wallet sandbox · ${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:28rem;color:#102a43}form{display:inline-block;margin-right:.5rem}button{font-size:1rem;padding:.5rem 1rem}</style></head>
<body><header><strong>PingPong wallet sandbox</strong></header><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  };
}
