import { LinkgateError } from '../../errors.ts';
import type { Verdict } from '../../transport/transport.ts';

export interface IgvUser {
  userId: string;
  authorizationCode: string;
}

interface IgvAnswer {
  code?: unknown;
  msg?: unknown;
  data?: { userId?: unknown; authorizationCode?: unknown } | null;
}

/**
 * iGV's documented codes → ours. Only 10004 (server error) is documented as worth retrying;
 * the rest are our mistakes and retrying would only repeat them. iGV's text stays in the cause.
 */
export function interpretIgvAnswer(status: number, body: Buffer): Verdict<IgvUser> {
  let answer: IgvAnswer;
  try {
    answer = JSON.parse(body.toString('utf8')) as IgvAnswer;
  } catch {
    return reject('PROVIDER_UNAVAILABLE', `unreadable answer (HTTP ${status})`);
  }
  const code = typeof answer.code === 'string' ? answer.code : String(answer.code ?? '');
  const providerText = `iGV ${code}: ${typeof answer.msg === 'string' ? answer.msg : ''}`;
  switch (code) {
    case '0000': {
      const userId = answer.data?.userId;
      const authorizationCode = answer.data?.authorizationCode;
      if (
        (typeof userId !== 'string' && typeof userId !== 'number') ||
        typeof authorizationCode !== 'string' ||
        !authorizationCode
      ) {
        return reject('PROVIDER_UNAVAILABLE', 'iGV 0000 without userId and authorizationCode', code);
      }
      return { kind: 'done', value: { userId: String(userId), authorizationCode } };
    }
    case '10004':
      return {
        kind: 'retry',
        error: new LinkgateError('PROVIDER_UNAVAILABLE', undefined, {
          providerCode: code,
          cause: new Error(providerText),
        }),
      };
    case '10001':
    case '10002':
    case '10003':
    default:
      return reject('PROVIDER_REJECTED', providerText, code || undefined);
  }
}

function reject(
  code: 'PROVIDER_REJECTED' | 'PROVIDER_UNAVAILABLE',
  cause: string,
  providerCode?: string,
): Verdict<never> {
  const details =
    providerCode === undefined ? { cause: new Error(cause) } : { cause: new Error(cause), providerCode };
  return { kind: 'fail', error: new LinkgateError(code, undefined, details) };
}
