import { timingSafeEqual } from 'node:crypto';

/**
 * Constant-time equality for signatures and MACs. Unequal lengths give false instead of the
 * exception `timingSafeEqual` throws, so a forged short value is simply "not equal".
 */
export function constantTimeEqual(a: Uint8Array | string, b: Uint8Array | string): boolean {
  const left = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const right = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  if (left.length !== right.length) {
    // Still spend the comparison so the time does not depend on where lengths differ.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
