// The merchant page's own script: pick a buyer, get a session from the shop's backend, hand it to
// the elements, and follow what they report. Everything is built with DOM methods (the page runs
// under Trusted Types). It loads before the elements, so that none of their events is missed.
import { chooseBuyer, rememberBuyer, sessionFor } from './backend.js';
import { inAppSwitch, walletActions } from './wallets.js';

const select = document.getElementById('buyer');
const log = document.getElementById('log');
const byId = (id) => document.getElementById(id);
const elements = () =>
  document.querySelectorAll('linkgate-sso-link, linkgate-connect-wallet, linkgate-codegrant-signup');
const buyer = () => select.value;

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

// Each wallet's checkout follows its element's state: pay and unlink only while it is linked.
const wallets = [
  walletActions({
    element: byId('wallet-signup'),
    provider: 'pingpong',
    name: 'AlipayHK',
    buyer,
    pay: [byId('pay')],
    unlink: byId('unlink'),
    status: byId('checkout-status'),
  }),
  walletActions({
    element: byId('easypay-link'),
    provider: 'easypay',
    name: 'EasyPay',
    buyer,
    unlink: byId('easypay-unlink'),
    status: byId('easypay-status'),
  }),
  walletActions({
    element: byId('vodapay-link'),
    provider: 'vodapay',
    name: 'VodaPay',
    buyer,
    unlink: byId('vodapay-unlink'),
    status: byId('vodapay-status'),
  }),
  walletActions({
    element: byId('fintech33-link'),
    provider: 'fintech33',
    name: '33 Fintech',
    buyer,
    pay: [byId('fintech33-pay'), byId('fintech33-pay-declined')],
    unlink: byId('fintech33-unlink'),
    status: byId('fintech33-status'),
  }),
];
inAppSwitch({ toggle: byId('in-vodapay'), element: byId('vodapay-link'), buyer });

async function useBuyer(chosen, locale) {
  const token = await sessionFor(chosen);
  // Another buyer was chosen while this session was on its way: that choice wins.
  if (select.value !== chosen) return;
  for (const element of elements()) {
    element.setAttribute('locale', locale);
    element.setAttribute('session-token', token);
    element.sessionTokenProvider = () => sessionFor(chosen);
  }
  // Which buyer the elements now speak for (the end-to-end tests wait for it).
  document.body.dataset.buyer = chosen;
}

await chooseBuyer(select);
select.addEventListener('change', async () => {
  // A new session is a new buyer to the elements: they start over. Not for the same buyer again.
  if (select.value === document.body.dataset.buyer) return;
  rememberBuyer(select.value);
  for (const wallet of wallets) wallet.reset();
  await useBuyer(select.value, select.selectedOptions[0].dataset.locale);
});
await useBuyer(select.value, select.selectedOptions[0].dataset.locale);
document.body.dataset.ready = 'true';
