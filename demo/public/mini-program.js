// The shop as a VodaPay mini program: the host gets a one-time code from the app (here, from the
// sandbox through the shop's backend) and hands it to the element through its `auth-code` attribute.
// Each code works once: once the element has started with one, the host takes it away, and sets a
// fresh one whenever the buyer is not linked, so the page never holds a code that was used.
import { authCodeFor, chooseBuyer, rememberBuyer, sessionFor } from './backend.js';
import { walletActions } from './wallets.js';

const select = document.getElementById('buyer');
const wallet = document.getElementById('vodapay-link');
const status = document.getElementById('vodapay-status');
const buyer = () => select.value;
/** The sandbox's codes last five minutes: an unused one is replaced before that. */
const RENEW_AFTER_MS = 4 * 60 * 1000;

let spent = false;
let renewal;
let renewing;
wallet.addEventListener('linkgate-start', () => {
  spent = true;
});

/** A fresh code for the buyer shown, unless one is already on its way for them. */
async function renew() {
  const forBuyer = buyer();
  if (renewing === forBuyer) return;
  renewing = forBuyer;
  clearTimeout(renewal);
  const code = await authCodeFor(forBuyer).catch(() => undefined);
  renewing = undefined;
  if (forBuyer !== buyer()) return;
  if (!code) return void (status.textContent = 'VodaPay is not answering. Please try again later.');
  wallet.setAttribute('auth-code', code);
  spent = false;
  renewal = setTimeout(follow, RENEW_AFTER_MS, true);
}

/** Keeps a fresh code on the element while the buyer may link, and none once they are linked. */
function follow(expired = false) {
  const state = wallet.getAttribute('state');
  if (state === 'working' || state === 'pending' || !document.body.dataset.buyer) return;
  if (state === 'linked') {
    clearTimeout(renewal);
    wallet.removeAttribute('auth-code');
  } else if (expired || spent || !wallet.hasAttribute('auth-code')) {
    void renew();
  }
}
new MutationObserver(() => follow()).observe(wallet, { attributes: true, attributeFilter: ['state'] });

const actions = walletActions({
  element: wallet,
  provider: 'vodapay',
  name: 'VodaPay',
  buyer,
  unlink: document.getElementById('vodapay-unlink'),
  status,
});

async function useBuyer(chosen, locale) {
  // The app opened the mini program with a code for this buyer, and the shop's backend gives a session.
  const [token, code] = await Promise.all([sessionFor(chosen), authCodeFor(chosen).catch(() => undefined)]);
  if (select.value !== chosen) return;
  clearTimeout(renewal);
  wallet.setAttribute('locale', locale);
  if (code) wallet.setAttribute('auth-code', code);
  else wallet.removeAttribute('auth-code');
  spent = false;
  wallet.setAttribute('session-token', token);
  wallet.sessionTokenProvider = () => sessionFor(chosen);
  document.body.dataset.buyer = chosen;
  // The element shows the buyer's state once it has asked; the observer goes on from there.
  renewal = setTimeout(follow, RENEW_AFTER_MS, true);
}

await chooseBuyer(select);
select.addEventListener('change', async () => {
  if (select.value === document.body.dataset.buyer) return;
  rememberBuyer(select.value);
  actions.reset();
  await useBuyer(select.value, select.selectedOptions[0].dataset.locale);
});
await useBuyer(select.value, select.selectedOptions[0].dataset.locale);
document.body.dataset.ready = 'true';
