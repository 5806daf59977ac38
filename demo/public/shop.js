// The merchant page's own script: pick a buyer, get a session from the shop's backend, hand it to
// the elements, and follow what they report. Everything is built with DOM methods (the page runs
// under Trusted Types). It loads before the elements, so that none of their events is missed.
const select = document.getElementById('buyer');
const log = document.getElementById('log');
const signup = document.getElementById('wallet-signup');
const payButton = document.getElementById('pay');
const unlinkButton = document.getElementById('unlink');
const checkoutStatus = document.getElementById('checkout-status');
const elements = () =>
  document.querySelectorAll('linkgate-sso-link, linkgate-connect-wallet, linkgate-codegrant-signup');

/** What each event means, in the shop's words; an error's message is the server's English text. */
const readable = {
  'linkgate-ready': () => 'is ready.',
  'linkgate-start': () => 'started.',
  'linkgate-pending': () => 'is waiting for the buyer to confirm.',
  'linkgate-linked': () => 'is linked.',
  'linkgate-cancelled': () => 'was cancelled by the buyer.',
  'linkgate-redirect': () => 'is taking the buyer to the service.',
  'linkgate-error': (detail) => `failed: ${detail.message}`,
};

function record(event) {
  const item = document.createElement('li');
  const time = new Date().toLocaleTimeString();
  const name = event.target.dataset?.name ?? event.target.localName;
  item.textContent = `${time} ${name} ${readable[event.type](event.detail ?? {})}`;
  log.prepend(item);
}

for (const type of Object.keys(readable)) document.addEventListener(type, record);

// Checkout follows the wallet element's state: it links on load, after a buyer switch, and turns
// idle by itself when the wallet is unlinked (here, in the wallet's own app, or by the shop).
function followWallet() {
  const linked = signup.getAttribute('state') === 'linked';
  payButton.disabled = !linked;
  unlinkButton.disabled = !linked;
}
new MutationObserver(followWallet).observe(signup, { attributes: true, attributeFilter: ['state'] });

async function sessionFor(buyer) {
  const answer = await fetch('/demo/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ buyer }),
  });
  if (!answer.ok) throw new Error('The shop could not start a session.');
  return (await answer.json()).sessionToken;
}

async function useBuyer(buyer, locale) {
  const token = await sessionFor(buyer);
  // Another buyer was chosen while this session was on its way: that choice wins.
  if (select.value !== buyer) return;
  for (const element of elements()) {
    element.setAttribute('locale', locale);
    element.setAttribute('session-token', token);
    element.sessionTokenProvider = () => sessionFor(buyer);
  }
  // Which buyer the elements now speak for (the end-to-end tests wait for it).
  document.body.dataset.buyer = buyer;
}

const post = async (path, body) =>
  (
    await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  ).json();

/** What the shop tells the buyer when its backend could not charge the wallet. */
const paymentRefusals = {
  PROVIDER_REJECTED: 'The wallet declined the payment. Please try another way to pay.',
  PROVIDER_UNAVAILABLE: 'The wallet is not answering. Please try again in a moment.',
};

payButton.addEventListener('click', async () => {
  payButton.disabled = true;
  checkoutStatus.textContent = 'Charging your wallet…';
  const payment = await post('/demo/pay', { buyer: select.value });
  if (payment.error) {
    checkoutStatus.textContent =
      paymentRefusals[payment.error] ?? 'The payment did not go through. Please try again.';
    followWallet();
    return;
  }
  let status = payment.status;
  for (let wait = 250; status === 'pending' && wait < 8000; wait *= 2) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    status = (await (await fetch(`/demo/payments/${payment.paymentId}`)).json()).status;
  }
  const outcomes = { succeeded: 'paid', failed: 'not paid', pending: 'still being confirmed' };
  checkoutStatus.textContent = `Order ${payment.order}: ${outcomes[status] ?? status}.`;
  followWallet();
});

unlinkButton.addEventListener('click', async () => {
  unlinkButton.disabled = true;
  // The shop's backend unlinks; the element hears of it from Linkgate and turns idle by itself.
  await post('/demo/unlink', { buyer: select.value });
  checkoutStatus.textContent = 'AlipayHK unlinked.';
});

const buyers = await (await fetch('/demo/buyers')).json();
for (const buyer of buyers) {
  const option = document.createElement('option');
  option.value = buyer.id;
  option.dataset.locale = buyer.locale;
  option.textContent = `${buyer.name} (${buyer.id})`;
  select.append(option);
}
// The shop's own login survives a full-page trip to a provider and back, as a real shop's would;
// a first visit starts with the buyer who reads the page's language.
const remembered = sessionStorage.getItem('demo-buyer');
const pageLanguage = document.documentElement.lang;
const initial =
  buyers.find((buyer) => buyer.id === remembered) ??
  buyers.find((buyer) => buyer.locale === pageLanguage) ??
  buyers[0];
select.value = initial.id;
select.addEventListener('change', async () => {
  // A new session is a new buyer to the elements: they start over. Not for the same buyer again.
  if (select.value === document.body.dataset.buyer) return;
  sessionStorage.setItem('demo-buyer', select.value);
  checkoutStatus.textContent = '';
  await useBuyer(select.value, select.selectedOptions[0].dataset.locale);
});
await useBuyer(select.value, select.selectedOptions[0].dataset.locale);
followWallet();
document.body.dataset.ready = 'true';
