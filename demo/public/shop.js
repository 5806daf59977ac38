// The merchant page's own script: pick a buyer, get a session from the shop's backend, hand it to
// the elements. Everything is built with DOM methods (the page runs under Trusted Types).
const select = document.getElementById('buyer');
const log = document.getElementById('log');
const elements = () =>
  document.querySelectorAll('linkgate-sso-link, linkgate-connect-wallet, linkgate-codegrant-signup');

async function sessionFor(buyer) {
  const answer = await fetch('/demo/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ buyer }),
  });
  if (!answer.ok) throw new Error('session failed');
  return (await answer.json()).sessionToken;
}

async function useBuyer(buyer, locale) {
  const token = await sessionFor(buyer);
  for (const element of elements()) {
    element.setAttribute('session-token', token);
    element.setAttribute('locale', locale);
    element.sessionTokenProvider = () => sessionFor(buyer);
  }
}

function record(event) {
  const item = document.createElement('li');
  const detail = event.detail && Object.keys(event.detail).length ? ` ${JSON.stringify(event.detail)}` : '';
  item.textContent = `${new Date().toLocaleTimeString()} ${event.type}${detail}`;
  log.prepend(item);
}

for (const type of [
  'linkgate-ready',
  'linkgate-start',
  'linkgate-pending',
  'linkgate-linked',
  'linkgate-cancelled',
  'linkgate-redirect',
  'linkgate-error',
]) {
  document.addEventListener(type, record);
}

const payButton = document.getElementById('pay');
const unlinkButton = document.getElementById('unlink');
const checkoutStatus = document.getElementById('checkout-status');
const post = async (path, body) =>
  (
    await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  ).json();

async function refreshWallet() {
  const { linked } = await (
    await fetch(`/demo/wallet-status?buyer=${encodeURIComponent(select.value)}`)
  ).json();
  payButton.disabled = !linked;
  unlinkButton.disabled = !linked;
  return linked;
}

payButton.addEventListener('click', async () => {
  payButton.disabled = true;
  checkoutStatus.textContent = 'Charging your wallet…';
  const payment = await post('/demo/pay', { buyer: select.value });
  if (payment.error) {
    checkoutStatus.textContent = `Payment refused (${payment.error}).`;
    payButton.disabled = false;
    return;
  }
  let status = payment.status;
  for (let wait = 250; status === 'pending' && wait < 8000; wait *= 2) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    status = (await (await fetch(`/demo/payments/${payment.paymentId}`)).json()).status;
  }
  checkoutStatus.textContent = `Order ${payment.order}: payment ${status}.`;
  payButton.disabled = false;
});

unlinkButton.addEventListener('click', async () => {
  await post('/demo/unlink', { buyer: select.value });
  checkoutStatus.textContent = 'AlipayHK unlinked.';
  await refreshWallet();
});

document.addEventListener('linkgate-linked', () => void refreshWallet());

const buyers = await (await fetch('/demo/buyers')).json();
for (const buyer of buyers) {
  const option = document.createElement('option');
  option.value = buyer.id;
  option.dataset.locale = buyer.locale;
  option.textContent = `${buyer.name} (${buyer.id})`;
  select.append(option);
}
// The shop's own login survives a full-page trip to a provider and back, as a real shop's would.
const remembered = sessionStorage.getItem('demo-buyer');
if (remembered && buyers.some((buyer) => buyer.id === remembered)) select.value = remembered;
select.addEventListener('change', async () => {
  sessionStorage.setItem('demo-buyer', select.value);
  await useBuyer(select.value, select.selectedOptions[0].dataset.locale);
  checkoutStatus.textContent = '';
  await refreshWallet();
});
await useBuyer(select.value, select.selectedOptions[0].dataset.locale);
await refreshWallet();
document.body.dataset.ready = 'true';
