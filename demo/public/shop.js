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

const buyers = await (await fetch('/demo/buyers')).json();
for (const buyer of buyers) {
  const option = document.createElement('option');
  option.value = buyer.id;
  option.dataset.locale = buyer.locale;
  option.textContent = `${buyer.name} (${buyer.id})`;
  select.append(option);
}
select.addEventListener('change', () => useBuyer(select.value, select.selectedOptions[0].dataset.locale));
await useBuyer(select.value, select.selectedOptions[0].dataset.locale);
document.body.dataset.ready = 'true';
