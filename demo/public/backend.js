// What the demo pages ask of the shop's own backend (demo/server.ts), which alone holds Linkgate's API
// key: a session for the buyer logged in to the shop, a VodaPay code, checkout and unlink.

/** POSTs JSON to the shop's backend and returns its JSON answer; a failure reads as `{error}`. */
export async function post(path, body) {
  try {
    const answer = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return await answer.json();
  } catch {
    return { error: 'NETWORK' };
  }
}

/** A fresh Linkgate session token for `buyer`, minted by the shop's backend. */
export async function sessionFor(buyer) {
  const answer = await fetch('/demo/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ buyer }),
  });
  if (!answer.ok) throw new Error('The shop could not start a session.');
  return (await answer.json()).sessionToken;
}

/**
 * A one-time VodaPay auth code for `buyer`: what the VodaPay app gives a mini program. The sandbox
 * mints it through the shop's backend, as the page's CSP allows its own origin only.
 */
export async function authCodeFor(buyer) {
  const { authCode } = await post('/demo/vodapay/authcode', { buyer });
  if (typeof authCode !== 'string') throw new Error('VodaPay gave no code.');
  return authCode;
}

/**
 * Fills the buyer `select` and chooses the buyer the shop remembers from earlier in this tab (a
 * full-page trip to a provider and back keeps the shop's login), else one who reads the page's language.
 */
export async function chooseBuyer(select) {
  const buyers = await (await fetch('/demo/buyers')).json();
  for (const buyer of buyers) {
    const option = document.createElement('option');
    option.value = buyer.id;
    option.dataset.locale = buyer.locale;
    option.textContent = `${buyer.name} (${buyer.id})`;
    select.append(option);
  }
  const remembered = sessionStorage.getItem('demo-buyer');
  const pageLanguage = document.documentElement.lang;
  const initial =
    buyers.find((buyer) => buyer.id === remembered) ??
    buyers.find((buyer) => buyer.locale === pageLanguage) ??
    buyers[0];
  select.value = initial.id;
}

/** Remembers the buyer chosen in this tab, for the way back from a provider's page. */
export function rememberBuyer(buyer) {
  sessionStorage.setItem('demo-buyer', buyer);
}
