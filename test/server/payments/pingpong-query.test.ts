import { describe, expect, it } from 'vitest';
import { findingOf, TRANSACTION_NOT_FOUND } from '../../../server/src/providers/pingpong/query.ts';

/* What a verified PingPong query answer says of our payment (PROVIDERS.md, pingpong: query). */

const ours = { requestId: 'lg01', merchantTransactionId: 'order-1', amount: '25.00', currency: 'HKD' };
const answer = (business: Record<string, unknown>, code = '000000') => ({ code, description: '', business });

describe('a PingPong query answer', () => {
  it.each([
    ['SUCCESS', 'succeeded'],
    ['FAILED', 'failed'],
    ['CLOSED', 'failed'],
    ['PROCESSING', 'pending'],
    ['REVIEW', 'pending'],
    ['SOMETHING_NEW', 'pending'],
  ])('with status %s is %s', (status, finding) => {
    expect(findingOf(answer({ ...ours, status }), ours)).toBe(finding);
  });

  it('for a transaction PingPong does not have is absent', () => {
    expect(findingOf(answer({}, TRANSACTION_NOT_FOUND), ours)).toBe('absent');
  });

  it.each([
    ['another attempt of the same order', { requestId: 'lg02' }],
    ['another order', { merchantTransactionId: 'order-2' }],
    ['another amount', { amount: '26.00' }],
    ['another currency', { currency: 'USD' }],
  ])('about %s says nothing of ours: pending', (_name, change) => {
    expect(findingOf(answer({ ...ours, status: 'SUCCESS', ...change }), ours)).toBe('pending');
  });
});
