import { randomBytes } from 'node:crypto';

/** What a service call comes to: `status` 0 with data, or -1 with the sandbox's error code. */
export type Outcome = { status: 0; data: unknown } | { status: -1; errorCode: string; errorMessage: string };

const PAYER_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'areaCode',
  'phone',
  'address',
  'city',
  'province',
  'postcode',
  'country',
] as const;
const ORDER_FIELDS = [
  'order_sn',
  'currency',
  'amount',
  'payerID',
  'purposeOfTransaction',
  'description',
  'skip3ds',
  'domain',
  'product',
] as const;

export type Payer = Record<(typeof PAYER_FIELDS)[number], string> & { payerID: string };

export interface Order {
  orderID: string;
  fields: Record<(typeof ORDER_FIELDS)[number], unknown>;
  status: 'SUCCESS' | 'FAILED';
}

/** A lookup gone wrong: missing an existing payer, or answering another one. */
export interface LookupFault {
  staleRead?: boolean;
  otherPayer?: boolean;
}

function refuse(errorCode: string, errorMessage: string): Outcome {
  return { status: -1, errorCode, errorMessage };
}

/** Exactly the documented fields, no others (field order is the caller's business). */
function hasExactly(fields: Record<string, unknown>, names: readonly string[]): boolean {
  const keys = Object.keys(fields);
  return keys.length === names.length && names.every((name) => Object.hasOwn(fields, name));
}

const text = (value: unknown, min: number, max: number) =>
  typeof value === 'string' && value.length >= min && value.length <= max;

/**
 * The provider's records: payers, unique by e-mail, and orders, unique by order_sn. Each service
 * checks its fields as the simulator understands 33 Fintech's rules and answers with its codes.
 */
export class Fintech33Book {
  /** Payers by e-mail. */
  readonly payers = new Map<string, Payer>();
  /** Orders by order_sn. */
  readonly orders = new Map<string, Order>();
  private readonly byId = new Map<string, Payer>();

  run(service: string, fields: Record<string, unknown>, options: LookupFault = {}): Outcome {
    switch (service) {
      case 'createPayer':
        return this.createPayer(fields);
      case 'getPayer':
        return this.getPayer(fields, options);
      case 'createOrder':
        return this.createOrder(fields);
      default:
        return refuse('SERVICE_NOT_FOUND', 'unknown service');
    }
  }

  private createPayer(fields: Record<string, unknown>): Outcome {
    if (!hasExactly(fields, PAYER_FIELDS) || !PAYER_FIELDS.every((name) => text(fields[name], 0, 128)))
      return refuse('PARAM_ERROR', 'createPayer takes the ten documented text fields');
    const payer = { ...(fields as Record<(typeof PAYER_FIELDS)[number], string>) };
    if (!/^[^@\s]+@[^@\s]+$/.test(payer.email)) return refuse('PARAM_ERROR', 'email is not valid');
    if (!/^[0-9]{0,3}$/.test(payer.areaCode) || !/^[0-9]{0,15}$/.test(payer.phone))
      return refuse('PARAM_ERROR', 'areaCode or phone is not digits');
    if (this.payers.has(payer.email)) return refuse('PAYER_EXISTS', 'a payer with this email exists');
    const created: Payer = { ...payer, payerID: `PYR${randomBytes(12).toString('hex').toUpperCase()}` };
    this.payers.set(created.email, created);
    this.byId.set(created.payerID, created);
    return { status: 0, data: { payerID: created.payerID } };
  }

  private getPayer(fields: Record<string, unknown>, fault: LookupFault): Outcome {
    if (!hasExactly(fields, ['email']) || !text(fields['email'], 3, 128))
      return refuse('PARAM_ERROR', 'getPayer takes {email}');
    const asked = String(fields['email']);
    const payer = fault.staleRead
      ? undefined
      : fault.otherPayer
        ? [...this.payers.values()].find((p) => p.email !== asked)
        : this.payers.get(asked);
    if (!payer) return { status: 0, data: null };
    const { payerID, email, firstName, lastName } = payer;
    return { status: 0, data: { payerID, email, firstName, lastName } };
  }

  private createOrder(fields: Record<string, unknown>): Outcome {
    const f = fields as Order['fields'];
    if (
      !hasExactly(fields, ORDER_FIELDS) ||
      !text(f.order_sn, 1, 64) ||
      !/^[A-Z]{3}$/.test(String(f.currency)) ||
      typeof f.amount !== 'string' ||
      !/^(0|[1-9][0-9]{0,8})(\.[0-9]{1,2})?$/.test(f.amount) ||
      Number(f.amount) <= 0 ||
      typeof f.skip3ds !== 'boolean' ||
      !text(f.purposeOfTransaction, 1, 64) ||
      !text(f.description, 0, 256) ||
      !text(f.domain, 1, 253) ||
      !text(f.product, 0, 256)
    ) {
      return refuse('PARAM_ERROR', 'createOrder fields are missing or not valid');
    }
    if (!this.byId.has(String(f.payerID))) return refuse('PAYER_NOT_FOUND', 'no such payer');
    if (this.orders.has(String(f.order_sn))) return refuse('ORDER_EXISTS', 'order_sn already used');
    // A decline the demo can show: amounts ending in .13 are refused by the "issuer".
    const status = String(f.amount).endsWith('.13') ? 'FAILED' : 'SUCCESS';
    const order: Order = {
      orderID: `ORD${randomBytes(10).toString('hex').toUpperCase()}`,
      fields: f,
      status,
    };
    this.orders.set(String(f.order_sn), order);
    return {
      status: 0,
      data: { orderID: order.orderID, order_sn: f.order_sn, amount: f.amount, currency: f.currency, status },
    };
  }
}
