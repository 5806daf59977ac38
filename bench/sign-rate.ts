/**
 * The reference the SSO rate is compared with: RSA-2048 SHA-256 signatures per second on one core,
 * `crypto.sign` called synchronously in a loop on this process's thread with the BFF's key, over a
 * canonical string the size of a user-sync's. The thread pool's rate (the callback form the server
 * signs with, on every core) is measured too, for the note.
 */
import { randomBytes, sign, type KeyObject } from 'node:crypto';
import { percentile } from './load.ts';

function signOnce(key: KeyObject, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    sign('sha256', data, key, (error) => (error ? reject(error) : resolve()));
  });
}

/** A canonical string the size of a user-sync's: timestamp, nonce and a small JSON body. */
function sampleData(): Buffer {
  const body = JSON.stringify({
    merchantUserNo: 'buyer-1',
    email: 'buyer.one@example.com',
    firstName: 'Bo',
    lastName: 'One',
  });
  return Buffer.from(`${Math.floor(Date.now() / 1000)}${randomBytes(16).toString('hex')}${body}`, 'utf8');
}

export interface SignRate {
  /** Signatures per second on one core (synchronous, one thread). */
  oneCore: number;
  /** CPU microseconds per signature in that loop. */
  cpuMicros: number;
  /** Signatures per second through the thread pool with 16 in flight (every core). */
  pool: number;
  /** Median time of one signature alone through the thread pool, in milliseconds. */
  singleMs: number;
}

export async function measureSignRate(
  key: KeyObject,
  options: { warmupMs: number; durationMs: number },
): Promise<SignRate> {
  const data = sampleData();
  const single: number[] = [];
  for (let i = 0; i < 200; i += 1) {
    const started = performance.now();
    await signOnce(key, data);
    single.push(performance.now() - started);
  }
  single.sort((a, b) => a - b);

  // One core: nothing else runs on this thread meanwhile, so the loop is the signature's own rate.
  const warmEnd = performance.now() + options.warmupMs;
  while (performance.now() < warmEnd) sign('sha256', data, key);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < options.durationMs) {
    sign('sha256', data, key);
    count += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);

  const poolEnd = performance.now() + options.durationMs / 2;
  let pooled = 0;
  const poolStarted = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() < poolEnd) {
        await signOnce(key, data);
        pooled += 1;
      }
    }),
  );
  return {
    oneCore: count / seconds,
    cpuMicros: (cpu.user + cpu.system) / count,
    pool: pooled / ((performance.now() - poolStarted) / 1000),
    singleMs: percentile(single, 0.5),
  };
}
