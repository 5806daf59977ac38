/* The mocha globals web-test-runner sets up before it imports a test file, typed for the tests. */

type Body = () => void | Promise<void>;

interface MochaGlobals {
  describe: (title: string, body: () => void) => void;
  it: (title: string, body: Body) => void;
  beforeEach: (body: Body) => void;
  afterEach: (body: Body) => void;
}

const globals = globalThis as unknown as MochaGlobals;

export const { describe, it, beforeEach, afterEach } = globals;
