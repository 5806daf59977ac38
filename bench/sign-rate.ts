/**
 * The ceiling the SSO rate is compared with: RSA-2048 SHA-256 signatures per second with
 * `crypto.sign`'s callback form (libuv's thread pool, as the server signs), same key, same cores.
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
  /** Signatures per second with `concurrency` in flight. */
  rate: number;
  /** Median time of one signature alone (nothing else in flight), in milliseconds. */
  singleMs: number;
}

export async function measureSignRate(
  key: KeyObject,
  options: { concurrency: number; warmupMs: number; durationMs: number },
): Promise<SignRate> {
  const data = sampleData();
  const single: number[] = [];
  for (let i = 0; i < 200; i += 1) {
    const started = performance.now();
    await signOnce(key, data);
    single.push(performance.now() - started);
  }
  single.sort((a, b) => a - b);

  const started = performance.now();
  const warmEnd = started + options.warmupMs;
  const end = warmEnd + options.durationMs;
  let counted = 0;
  let countStart = 0;
  let countEnd = 0;
  const worker = async () => {
    for (;;) {
      const now = performance.now();
      if (now >= end) return;
      await signOnce(key, data);
      const finished = performance.now();
      if (finished >= warmEnd && finished < end) {
        if (counted === 0) countStart = finished;
        counted += 1;
        countEnd = finished;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { rate: (counted - 1) / ((countEnd - countStart) / 1000), singleMs: percentile(single, 0.5) };
}
