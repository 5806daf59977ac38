import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { describe, it, expect } from 'vitest';
import {
  SeedError,
  createSeed,
  seedDecrypt,
  seedDecryptBlock,
  seedEncrypt,
  seedEncryptBlock,
  type SeedMode,
} from '../../../server/src/crypto/seed.ts';
import { seedSelfTest } from '../../../server/src/crypto/self-test.ts';

// Published known answers, kept in the repository byte for byte (see test/vectors/README.md).
const VECTORS_URL = new URL('../../vectors/seed.json', import.meta.url);

const vectors = JSON.parse(readFileSync(VECTORS_URL, 'utf8')) as {
  rfc4269: { key: string; plaintext: string; ciphertext: string }[];
  cbc: { key: string; iv: string; text: string; hex: string }[];
};

const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex').toUpperCase();
const hexOf = (data: Uint8Array): string => Buffer.from(data).toString('hex');
const bytes = (text: string): Buffer => Buffer.from(text, 'hex');

/** Messages are compared exactly, which also proves they carry no key or plaintext bytes. */
function expectSeedError(run: () => unknown, message: string): void {
  expect(run).toThrow(SeedError);
  expect(run).toThrow(expect.objectContaining({ name: 'SeedError', message }));
}

/** A 32-bit LCG, high bits only: reproducible cases, replayable from the seed in a failure label. */
function randomSource(state: number) {
  const next = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) >>> 16;
  return {
    below: (limit: number): number => next() % limit,
    bytes: (length: number): Buffer => Buffer.from(Array.from({ length }, () => next() & 0xff)),
  };
}

describe('SEED-128 known answers', () => {
  it.each(vectors.rfc4269.map((v, i) => [i + 1, v] as const))('RFC 4269 vector %i', (_, v) => {
    expect(existsSync(VECTORS_URL)).toBe(true);
    expect(hex(seedEncryptBlock(bytes(v.key), bytes(v.plaintext)))).toBe(v.ciphertext);
    expect(hex(seedDecryptBlock(bytes(v.key), bytes(v.ciphertext)))).toBe(v.plaintext);
    const cipher = createSeed(bytes(v.key));
    expect(hex(cipher.encryptBlock(bytes(v.plaintext)))).toBe(v.ciphertext);
    expect(hex(cipher.decryptBlock(bytes(v.ciphertext)))).toBe(v.plaintext);
  });

  it.each(vectors.cbc.map((v) => [v.text.length, v] as const))('CBC vector, %i-byte text', (length, v) => {
    const options = { mode: 'cbc', iv: bytes(v.iv) } as const;
    const ciphertext = seedEncrypt(Buffer.from(v.text, 'utf8'), bytes(v.key), options);
    expect(Buffer.isBuffer(ciphertext)).toBe(true);
    expect(ciphertext).toHaveLength(length - (length % 16) + 16); // 11 -> 16, 88 -> 96
    expect(hex(ciphertext)).toBe(v.hex);
    expect(seedDecrypt(bytes(v.hex), bytes(v.key), options).toString('utf8')).toBe(v.text);
  });

  it('passes its own start-up self-test', () => {
    expect(() => seedSelfTest()).not.toThrow();
  });
});

describe('SEED-128 block interface', () => {
  const v = vectors.rfc4269[2]!;
  const cipher = createSeed(bytes(v.key));

  it('writes into a given output, in place, and from unaligned views', () => {
    const out = new Uint8Array(20).fill(0xee);
    expect(cipher.encryptBlock(bytes(v.plaintext), out)).toBe(out);
    expect(hex(out)).toBe(`${v.ciphertext}EEEEEEEE`);
    const inPlace = bytes(v.plaintext);
    expect(hex(cipher.encryptBlock(inPlace, inPlace))).toBe(v.ciphertext);
    expect(hex(cipher.decryptBlock(inPlace, inPlace))).toBe(v.plaintext);
    const backing = new Uint8Array(64);
    const [key, block, iv] = [backing.subarray(3, 19), backing.subarray(33, 49), backing.subarray(1, 17)];
    key.set(bytes(v.key));
    block.set(bytes(v.plaintext));
    expect(hex(seedEncryptBlock(key, block))).toBe(v.ciphertext);
    const text = Buffer.from('unaligned');
    expect(seedDecrypt(seedEncrypt(text, key, { mode: 'cbc', iv }), key, { mode: 'cbc', iv })).toEqual(text);
  });

  it('rejects wrong block and output sizes', () => {
    expectSeedError(() => cipher.encryptBlock(new Uint8Array(15)), 'block must be 16 bytes');
    expectSeedError(() => cipher.decryptBlock(new Uint8Array(17)), 'block must be 16 bytes');
    const short = new Uint8Array(8);
    expectSeedError(() => cipher.encryptBlock(new Uint8Array(16), short), 'output must hold 16 bytes');
  });
});

describe('SEED-128 modes and padding', () => {
  const key = bytes('80E34F8F081070F1E9F394370AD40589');
  const iv = bytes('208D66A730A81A816FBAD9FA36102501');
  const cbc = { mode: 'cbc', iv } as const;
  const ecb = { mode: 'ecb' } as const;

  it.each([cbc, ecb].map((o) => [o.mode, o] as const))('%s round-trips lengths 0..64 and 100 KiB', (_, o) => {
    const random = randomSource(0x5eed);
    for (const length of [...Array.from({ length: 65 }, (_, i) => i), 100 * 1024]) {
      const plaintext = random.bytes(length);
      const copy = Buffer.from(plaintext);
      const ciphertext = seedEncrypt(plaintext, key, o);
      expect(plaintext.equals(copy), `input untouched, length ${length}`).toBe(true);
      expect(ciphertext.length).toBe(length - (length % 16) + 16);
      expect(seedDecrypt(ciphertext, key, o).equals(plaintext), `round trip, length ${length}`).toBe(true);
    }
  });

  it('ECB encrypts equal blocks equally and starts with the RFC single-block answer', () => {
    const v = vectors.rfc4269[0]!;
    const twice = Buffer.concat([bytes(v.plaintext), bytes(v.plaintext)]);
    // The last block is a whole padding block, sixteen 0x10 bytes, encrypted on its own.
    const padBlock = hex(seedEncryptBlock(bytes(v.key), Buffer.alloc(16, 16)));
    expect(hex(seedEncrypt(twice, bytes(v.key), ecb))).toBe(v.ciphertext + v.ciphertext + padBlock);
  });

  it('CBC chains: equal blocks differ, and the IV matters', () => {
    const plaintext = Buffer.alloc(32, 0x41);
    const a = seedEncrypt(plaintext, key, cbc);
    expect(a.subarray(0, 16)).not.toEqual(a.subarray(16, 32));
    const otherIv = Buffer.from(iv);
    otherIv[15]! ^= 1;
    expect(seedEncrypt(plaintext, key, { mode: 'cbc', iv: otherIv })[0]).not.toBe(a[0]);
  });

  it('rejects bad keys, IVs, modes and lengths with stable messages', () => {
    const text = Buffer.from('secret card data 4111111111111111');
    for (const size of [0, 15, 17, 24, 32]) {
      const badKey = new Uint8Array(size);
      expectSeedError(() => seedEncrypt(text, badKey, cbc), 'key must be 16 bytes');
      expectSeedError(() => seedDecrypt(new Uint8Array(16), badKey, ecb), 'key must be 16 bytes');
      expectSeedError(() => createSeed(badKey), 'key must be 16 bytes');
    }
    for (const badIv of [undefined, new Uint8Array(0), new Uint8Array(15), new Uint8Array(17)]) {
      const options = { mode: 'cbc', iv: badIv! } as const;
      expectSeedError(() => seedEncrypt(text, key, options), 'iv must be 16 bytes');
      expectSeedError(() => seedDecrypt(new Uint8Array(16), key, options), 'iv must be 16 bytes');
    }
    expectSeedError(() => seedEncrypt(text, key, { mode: 'ecb', iv }), 'iv must not be given in ecb mode');
    expectSeedError(() => seedEncrypt(text, key, { mode: 'ctr' as SeedMode, iv }), 'mode must be cbc or ecb');
    for (const length of [1, 15, 17, 33]) {
      const message = 'ciphertext length is not a multiple of 16';
      expectSeedError(() => seedDecrypt(new Uint8Array(length), key, cbc), message);
    }
    expectSeedError(() => seedDecrypt(new Uint8Array(0), key, ecb), 'ciphertext is empty');
  });

  it('rejects every malformed padding with the one message', () => {
    const cipher = createSeed(key);
    // Last bytes of the final block: zero, too large (alone or as a full run), or an inconsistent run.
    for (const tail of ['00', '11', 'ff', '11'.repeat(16), '0302', '05040404', '0f' + '10'.repeat(15)]) {
      const block = Buffer.alloc(16, 0x61);
      block.write(tail, 16 - tail.length / 2, 'hex');
      expectSeedError(() => seedDecrypt(cipher.encryptBlock(block), key, ecb), 'bad padding');
    }
    expect(seedDecrypt(cipher.encryptBlock(Buffer.alloc(16, 16)), key, ecb)).toHaveLength(0);
    const tampered = seedEncrypt(Buffer.from('0123456789abcdefghij'), key, cbc);
    tampered[15]! ^= 0x01; // through the CBC chain this flips the last padding byte, 12 -> 13
    expectSeedError(() => seedDecrypt(tampered, key, cbc), 'bad padding');
  });
});

// --- OpenSSL as an independent oracle -----------------------------------------------------------

type Job = { op: 'enc' | 'dec'; mode: SeedMode; key: string; iv: string | null; data: string; pad: boolean };
type JobResult = { ok: boolean; hex: string; error: string };
type Oracle = { name: string; run(jobs: Job[]): JobResult[] };

// Runs under `node --openssl-legacy-provider`, where OpenSSL 3 keeps SEED.
const NODE_ORACLE_SCRIPT = `
const crypto = require('node:crypto');
const jobs = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(jobs.map((job) => {
  try {
    const make = job.op === 'enc' ? crypto.createCipheriv : crypto.createDecipheriv;
    const iv = job.iv === null ? null : Buffer.from(job.iv, 'hex');
    const cipher = make('seed-' + job.mode, Buffer.from(job.key, 'hex'), iv).setAutoPadding(job.pad);
    const out = Buffer.concat([cipher.update(Buffer.from(job.data, 'hex')), cipher.final()]);
    return { ok: true, hex: out.toString('hex'), error: '' };
  } catch (error) {
    return { ok: false, hex: '', error: String(error && error.message) };
  }
})));`;

const childEnv = { ...process.env, NODE_OPTIONS: '' };
const maxBuffer = 64 * 1024 * 1024;

const nodeOracle: Oracle = {
  name: 'node --openssl-legacy-provider (crypto.createCipheriv seed-cbc / seed-ecb)',
  run: (jobs) => {
    const args = ['--openssl-legacy-provider', '-e', NODE_ORACLE_SCRIPT];
    const input = JSON.stringify(jobs);
    return JSON.parse(
      execFileSync(process.execPath, args, { input, encoding: 'utf8', env: childEnv, maxBuffer }),
    );
  },
};

// The fallback: one `openssl enc` process per job.
const cliOracle: Oracle = {
  name: 'openssl enc -provider legacy -provider default',
  run: (jobs) =>
    jobs.map((job) => {
      const args = ['enc', `-seed-${job.mode}`, '-K', job.key, '-provider', 'legacy', '-provider', 'default'];
      if (job.iv !== null) args.push('-iv', job.iv);
      if (job.op === 'dec') args.push('-d');
      if (!job.pad) args.push('-nopad');
      try {
        const out = execFileSync('openssl', args, { input: bytes(job.data), stdio: 'pipe', env: childEnv });
        return { ok: true, hex: out.toString('hex'), error: '' };
      } catch (error) {
        return { ok: false, hex: '', error: String((error as { stderr?: Buffer }).stderr ?? error) };
      }
    }),
};

/** An oracle only counts if it runs here and reproduces RFC 4269 vector 3 itself. */
function oracleWorks(oracle: Oracle): boolean {
  const v = vectors.rfc4269[2]!;
  try {
    const probe: Job = { op: 'enc', mode: 'ecb', key: v.key, iv: null, data: v.plaintext, pad: false };
    const [result] = oracle.run([probe]);
    return result?.ok === true && result.hex.toUpperCase() === v.ciphertext;
  } catch {
    return false;
  }
}

let chosenOracle: Oracle | undefined;

/** SEED_ORACLE=node|openssl-cli forces one, e.g. to exercise the fallback. Never skips. */
function oracle(): Oracle {
  const forced = process.env['SEED_ORACLE'];
  const candidates = forced ? [forced === 'node' ? nodeOracle : cliOracle] : [nodeOracle, cliOracle];
  chosenOracle ??= candidates.find(oracleWorks);
  if (chosenOracle) return chosenOracle;
  throw new Error(
    'No OpenSSL SEED oracle on this machine: neither `node --openssl-legacy-provider` offers seed-cbc/seed-ecb ' +
      'nor does `openssl enc -seed-cbc -provider legacy` work. Install OpenSSL 3 with its legacy provider.',
  );
}

const SEED = 0x5eed0128;

describe('SEED-128 against OpenSSL', { timeout: 120_000 }, () => {
  const rng = randomSource(SEED);
  // 200 cases: lengths around block boundaries, then random lengths up to 200.
  const lengths = [0, 1, 15, 16, 17, 31, 32, 33, 47, 48, 199, 200];
  while (lengths.length < 200) lengths.push(rng.below(201));
  const cases = lengths.map((n) => ({ key: rng.bytes(16), iv: rng.bytes(16), plaintext: rng.bytes(n) }));
  const options = (mode: SeedMode, iv: Buffer) => (mode === 'cbc' ? { mode, iv } : { mode });
  const job = (c: (typeof cases)[number], mode: SeedMode, data: Uint8Array, pad: boolean): Job => {
    const iv = mode === 'cbc' ? hexOf(c.iv) : null;
    return { op: 'enc', mode, key: hexOf(c.key), iv, data: hexOf(data), pad };
  };

  it('finds a working oracle (fails rather than skips when none exists)', () => {
    expect(oracle().name).toBeTruthy();
    console.info(`SEED oracle: ${oracle().name}`);
  });

  it('encrypts 200 random cases exactly as OpenSSL does, and decrypts what OpenSSL encrypted', () => {
    const jobs = cases.flatMap((c) => [job(c, 'cbc', c.plaintext, true), job(c, 'ecb', c.plaintext, true)]);
    const results = oracle().run(jobs);
    expect(results).toHaveLength(400);
    jobs.forEach(({ mode }, i) => {
      const c = cases[i >> 1]!;
      const label = `seed ${SEED.toString(16)} case ${i >> 1} ${mode} length ${c.plaintext.length}`;
      const theirs = results[i]!;
      expect(theirs.ok, `${label}: ${theirs.error}`).toBe(true);
      const opts = options(mode, c.iv);
      expect(hexOf(seedEncrypt(c.plaintext, c.key, opts)), label).toBe(theirs.hex);
      expect(hexOf(seedDecrypt(bytes(theirs.hex), c.key, opts)), label).toBe(hexOf(c.plaintext));
    });
  });

  it('accepts and rejects exactly the paddings OpenSSL does', () => {
    // Final bytes that make valid, zero, too large, or inconsistent padding.
    const tails = ['01', '10'.repeat(16), '00', '11', 'ff', '0102', '11'.repeat(16), '0f' + '10'.repeat(15)];
    const raw = cases.slice(0, 64).map((c, i) => {
      const tail = tails[i % tails.length]!;
      const plaintext = rng.bytes(16 * (1 + rng.below(3)));
      plaintext.write(tail, plaintext.length - tail.length / 2, 'hex');
      // Alternate the mode per round through the tails, so every tail is tried in both modes.
      const mode: SeedMode = Math.floor(i / tails.length) % 2 === 0 ? 'cbc' : 'ecb';
      return { c, tail, mode, job: job(c, mode, plaintext, false) };
    });
    const encrypted = oracle().run(raw.map((r) => r.job));
    const decrypted = oracle().run(
      raw.map((r, i): Job => ({ ...r.job, op: 'dec', data: encrypted[i]!.hex, pad: true })),
    );
    let rejected = 0;
    raw.forEach(({ c, tail, mode }, i) => {
      const label = `padding case ${i} (${mode}, tail ${tail})`;
      expect(encrypted[i]!.ok, label).toBe(true);
      const ours = () => seedDecrypt(bytes(encrypted[i]!.hex), c.key, options(mode, c.iv));
      const theirs = decrypted[i]!;
      if (theirs.ok) {
        expect(hexOf(ours()), label).toBe(theirs.hex);
      } else {
        // Only a padding failure counts; another OpenSSL error would make the comparison meaningless.
        expect(theirs.error, label).toMatch(/bad decrypt/i);
        expectSeedError(ours, 'bad padding');
        rejected++;
      }
    });
    expect(rejected).toBe(48); // 6 of the 8 tails are malformed, each tried 4 times per mode
  });
});
