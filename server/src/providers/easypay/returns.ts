import { constantTimeEqual } from '../../crypto/compare.ts';
import { LinkgateError } from '../../errors.ts';
import type { CallContext } from '../../transport/transport.ts';
import type { LinkOutcome, PendingLink, ProviderReturn, ReturnCapability } from '../types.ts';
import { BUYER_CANCELLED, isPrintableId, SUCCESS } from './codes.ts';
import { readResMsg, readReturnForm } from './wire.ts';

export interface CustomerKeyRequest {
  mallId: string;
  requestTid: string;
  registerTid: string;
  certSeqNo: string;
}

/** The fields of KICC's return form, once it has been read as EUC-KR. */
interface ReturnForm {
  resCd: string;
  resMsg: string;
  certSeqNo: string | undefined;
  requestTid: string | undefined;
  registerTid: string | undefined;
  shopParameter: string | undefined;
}

function formOf(received: ProviderReturn): ReturnForm | undefined {
  if (received.method !== 'POST') return undefined;
  const form = readReturnForm(received.body, received.contentType);
  if (!form) return undefined;
  return {
    resCd: form.get('resCd') ?? '',
    resMsg: readResMsg(form.get('resMsg')),
    certSeqNo: form.get('certSeqNo') || undefined,
    requestTid: form.get('requestTid'),
    registerTid: form.get('registerTid'),
    shopParameter: form.get('shopParameter') || undefined,
  };
}

const same = (given: string | undefined, expected: string | null): boolean =>
  given !== undefined && expected !== null && constantTimeEqual(given, expected);

/**
 * KICC's form POST to the return URL. It belongs to a pending link only when both ids are that
 * link's (our requestTid, KICC's registerTid from the registration answer); only then is the
 * one-time state used and, on 0000, the Customer Key asked for with the ids KICC gave.
 */
export class EasyPayReturns implements ReturnCapability {
  constructor(
    private readonly mallId: string,
    private readonly issueCustomerKey: (request: CustomerKeyRequest, context: CallContext) => Promise<string>,
  ) {}

  matches(received: ProviderReturn, link: PendingLink): boolean {
    const form = formOf(received);
    if (!form) return false;
    // shopParameter carries our request id when KICC echoes it; anything else is not our return.
    if (form.shopParameter !== undefined && form.shopParameter !== link.requestId) return false;
    return same(form.requestTid, link.requestId) && same(form.registerTid, link.providerRef);
  }

  async complete(received: ProviderReturn, link: PendingLink, context: CallContext): Promise<LinkOutcome> {
    const form = formOf(received);
    if (!form || link.providerRef === null) {
      throw new LinkgateError('PROVIDER_REJECTED', undefined, {
        cause: new Error('EasyPay return is unreadable'),
      });
    }
    if (BUYER_CANCELLED.has(form.resCd)) return { status: 'cancelled' };
    if (form.resCd !== SUCCESS) {
      throw new LinkgateError('PROVIDER_REJECTED', undefined, {
        providerCode: form.resCd || undefined,
        cause: new Error(`EasyPay registration ended ${form.resCd}: ${form.resMsg}`),
      });
    }
    if (!isPrintableId(form.certSeqNo)) {
      throw new LinkgateError('PROVIDER_REJECTED', undefined, {
        cause: new Error('EasyPay 0000 return without a certSeqNo'),
      });
    }
    const customerKey = await this.issueCustomerKey(
      {
        mallId: this.mallId,
        requestTid: link.requestId,
        registerTid: link.providerRef,
        certSeqNo: form.certSeqNo,
      },
      context,
    );
    return { status: 'linked', secret: customerKey };
  }
}
