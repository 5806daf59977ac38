import { randomBytes } from 'node:crypto';
import type { PingPongMerchant, SignUp } from './sandbox.ts';

/** One payment as the provider recorded it: what settling a payment must end up agreeing with. */
export interface Transaction {
  merchant: PingPongMerchant;
  requestId: string;
  merchantTransactionId: string;
  transactionId: string;
  amount: string;
  currency: string;
  status: 'SUCCESS' | 'FAILED';
}

type Answer = [string, string, Record<string, unknown>];

export interface PaymentBook {
  tokens: ReadonlyMap<string, SignUp & { bound: boolean }>;
  requestIds: Set<string>;
  notify(merchant: PingPongMerchant, url: string, business: Record<string, unknown>): void;
}

/**
 * The sandbox's payments: unifiedPay records a transaction (amounts ending in .13 are declined by
 * the "issuer") and notifies its result; the query tells what was recorded, by merchantTransactionId.
 */
export class PingPongPayments {
  readonly transactions: Transaction[] = [];

  constructor(private readonly book: PaymentBook) {}

  /** `silent`: the transaction is recorded but its notification is lost (a fault). */
  pay(merchant: PingPongMerchant, b: Record<string, unknown>, silent: boolean): Answer {
    const requestId = String(b['requestId'] ?? '');
    const account = this.book.tokens.get(String(b['token'] ?? ''));
    if (!requestId || b['bizType'] !== 'CodeGrant') return ['100003', 'Missing or invalid parameter', {}];
    if (
      !account ||
      !account.bound ||
      account.merchantUserId !== b['merchantUserId'] ||
      account.merchant !== merchant
    ) {
      return ['200004', 'token does not exist', {}];
    }
    if (this.book.requestIds.has(requestId)) return ['107000', 'Duplicate transaction', {}];
    this.book.requestIds.add(requestId);
    const transaction: Transaction = {
      merchant,
      requestId,
      merchantTransactionId: String(b['merchantTransactionId'] ?? ''),
      transactionId: String(Date.now()) + randomBytes(3).toString('hex'),
      amount: String(b['amount']),
      currency: String(b['currency']),
      status: String(b['amount']).endsWith('.13') ? 'FAILED' : 'SUCCESS',
    };
    this.transactions.push(transaction);
    if (!silent) this.book.notify(merchant, String(b['notificationUrl']), this.view(transaction));
    return ['002000', 'Processing', { ...this.view(transaction), status: 'PROCESSING' }];
  }

  /** The newest transaction of this merchant with that merchantTransactionId (or transactionId). */
  query(merchant: PingPongMerchant, b: Record<string, unknown>): Answer {
    const byOrder = b['merchantTransactionId'];
    const byId = b['transactionId'];
    if (typeof byOrder !== 'string' && typeof byId !== 'string')
      return ['100003', 'Missing or invalid parameter', {}];
    const found = this.transactions
      .filter((t) => t.merchant === merchant)
      .filter((t) =>
        typeof byId === 'string' ? t.transactionId === byId : t.merchantTransactionId === byOrder,
      )
      .at(-1);
    if (!found) return ['200005', 'Transaction does not exist', {}];
    return ['000000', 'Success', this.view(found)];
  }

  private view(t: Transaction): Record<string, unknown> {
    return {
      requestId: t.requestId,
      merchantTransactionId: t.merchantTransactionId,
      transactionId: t.transactionId,
      amount: t.amount,
      currency: t.currency,
      status: t.status,
    };
  }
}
