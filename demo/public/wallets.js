// The shop's own controls beside each wallet element: pay and unlink from the shop's backend while the
// element says the wallet is linked, and (VodaPay) a stand-in for the app that the page runs inside.
import { authCodeFor, post } from './backend.js';

/** What the shop tells the buyer when its backend could not charge the wallet. */
const paymentRefusals = {
  PROVIDER_REJECTED: (name) => `${name} declined the payment. Please try another way to pay.`,
  PROVIDER_UNAVAILABLE: (name) => `${name} is not answering. Please try again in a moment.`,
};

const outcomes = {
  succeeded: () => 'paid.',
  failed: (name) => `not paid. ${name} declined the payment. Please try another way to pay.`,
  pending: (name) => `still being confirmed by ${name}. We will email you once it is.`,
};

/** Waits for a pending payment to settle, asking the shop's backend less and less often. */
async function settled(payment) {
  let status = payment.status;
  for (let wait = 250; status === 'pending' && wait < 8000; wait *= 2) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    status = (await (await fetch(`/demo/payments/${payment.paymentId}`)).json()).status;
  }
  return status;
}

/**
 * Follows one wallet element: its pay and unlink buttons work only while it is linked (on load, after
 * a buyer switch, and it turns idle by itself when the wallet is unlinked elsewhere). The shop's
 * backend charges and unlinks; the page never sees a wallet token. Returns `reset` for another buyer.
 */
export function walletActions({ element, provider, name, buyer, pay = [], unlink, status }) {
  let charging = false;
  const follow = () => {
    const linked = element.getAttribute('state') === 'linked';
    for (const button of [...pay, unlink]) button.disabled = !linked || charging;
  };
  new MutationObserver(follow).observe(element, { attributes: true, attributeFilter: ['state'] });

  for (const button of pay) {
    button.addEventListener('click', async () => {
      charging = true;
      follow();
      status.textContent = `Charging your ${name} account…`;
      const payment = await post('/demo/pay', { buyer: buyer(), provider, item: button.dataset.item });
      if (payment.error) {
        status.textContent = (
          paymentRefusals[payment.error] ?? (() => 'The payment did not go through. Please try again.')
        )(name);
      } else {
        const outcome = await settled(payment);
        status.textContent = `Order ${payment.order}: ${(outcomes[outcome] ?? outcomes.pending)(name)}`;
      }
      charging = false;
      follow();
    });
  }

  unlink.addEventListener('click', async () => {
    unlink.disabled = true;
    // The shop's backend unlinks; the element hears of it from Linkgate and turns idle by itself.
    const answer = await post('/demo/unlink', { buyer: buyer(), provider });
    if (!answer.error) return void (status.textContent = `${name} unlinked.`);
    status.textContent = `${name} could not be unlinked. Please try again.`;
    follow();
  });

  follow();
  return {
    reset() {
      status.textContent = '';
      follow();
    },
  };
}

/**
 * "View as inside VodaPay": inside the app, the page's container provides `my.getAuthCode`. Switched on,
 * this installs a stand-in that asks the shop's backend for a code from the sandbox app; switched off,
 * it removes it. Either way the element is asked to look again (it checks for `my` when it refreshes).
 */
export function inAppSwitch({ toggle, element, buyer }) {
  const bridge = {
    getAuthCode({ success, fail }) {
      authCodeFor(buyer()).then(
        (authCode) => success({ authCode }),
        () => fail({ error: 11, errorMessage: 'The app could not give a code.' }),
      );
    },
  };
  toggle.addEventListener('change', async () => {
    if (toggle.checked) window.my = bridge;
    else delete window.my;
    await customElements.whenDefined(element.localName);
    await element.refresh();
  });
}
