import { describe, expect, it } from 'vitest';
import { StreamGate } from '../../../server/src/http/stream-gate.ts';

const refused = (open: () => unknown) => {
  try {
    open();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'opened';
};

describe('the event stream gate (SECURITY 15, 28)', () => {
  it('holds each session to its cap, and gives a place back once per release', () => {
    const gate = new StreamGate({ perSession: 3, perInstance: 100 });
    const releases = [gate.open('a'), gate.open('a'), gate.open('a')];
    expect(refused(() => gate.open('a'))).toBe('RATE_LIMITED');
    releases[0]!();
    releases[0]!();
    // One place came back, not two: a second release of the same stream is nothing.
    expect(gate.count).toBe(2);
    gate.open('a');
    expect(refused(() => gate.open('a'))).toBe('RATE_LIMITED');
    expect(gate.open('b')).toBeTypeOf('function');
    expect(gate.count).toBe(4);
  });

  it('holds the instance to its cap, across sessions', () => {
    const gate = new StreamGate({ perSession: 5, perInstance: 2 });
    const first = gate.open('a');
    gate.open('b');
    expect(refused(() => gate.open('c'))).toBe('RATE_LIMITED');
    first();
    expect(refused(() => gate.open('c'))).toBe('opened');
  });

  it('forgets a session once its last stream closes, so the map does not grow with every buyer', () => {
    const gate = new StreamGate({ perSession: 5, perInstance: 100 });
    const a = [gate.open('a'), gate.open('a')];
    const b = gate.open('b');
    expect(gate.sessions).toBe(2);
    a[0]!();
    expect(gate.sessions).toBe(2);
    a[1]!();
    b();
    expect(gate.sessions).toBe(0);
    expect(gate.count).toBe(0);
  });
});
