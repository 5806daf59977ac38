/* Dependency-free assertions: each throws an Error that names what was checked. */

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Deep equality of JSON-like values. */
export function assertEqual(actual: unknown, expected: unknown, what: string): void {
  const actualJson = JSON.stringify(actual);
  const expectedJson = JSON.stringify(expected);
  if (actualJson !== expectedJson) throw new Error(`${what}: expected ${expectedJson}, got ${actualJson}`);
}

export async function assertRejects(
  promise: Promise<unknown>,
  check: (error: unknown) => void,
): Promise<void> {
  try {
    await promise;
  } catch (error) {
    check(error);
    return;
  }
  throw new Error('expected a rejection, but the promise resolved');
}
