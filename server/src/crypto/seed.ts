import { Buffer } from 'node:buffer';

/**
 * SEED-128 (RFC 4269), the Korean national block cipher that several Korean payment providers
 * still require, with CBC and ECB modes and PKCS#7 padding. OpenSSL 3 only ships SEED in its
 * legacy provider, which a deployment may not load, hence this pure implementation.
 *
 * Words are kept as signed 32-bit values (Int32Array, `| 0` after each addition): V8 holds those as
 * untagged integers, whereas Uint32 values of 2^31 and above may be boxed as doubles. Bytes and
 * words meet only through DataView, which reads and writes big-endian as the RFC does.
 */

export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

export type SeedMode = 'cbc' | 'ecb';

export interface SeedOptions {
  mode: SeedMode;
  /** 16 bytes, required for CBC; must be absent for ECB. */
  iv?: Uint8Array;
}

export interface SeedCipher {
  /** Writes into `out` (16 bytes or more) when given, so a caller can reuse one buffer. */
  encryptBlock(block: Uint8Array, out?: Uint8Array): Uint8Array;
  decryptBlock(block: Uint8Array, out?: Uint8Array): Uint8Array;
}

const BLOCK = 16;

// A string of the right length must not pass for bytes.
const isBytes = (value: unknown, length: number): value is Uint8Array =>
  value instanceof Uint8Array && value.length === length;

// --- S-boxes --------------------------------------------------------------------------------
//
// SEED's two 8-bit S-boxes are affine maps of power functions in GF(2^8) modulo
// x^8 + x^6 + x^5 + x + 1: S1(x) = A1·x^247 ⊕ 169 and S2(x) = A2·x^251 ⊕ 56. Deriving them
// costs 16 matrix bytes instead of 512 table bytes. Each matrix is given by its columns: entry i
// is the image of input bit i (bit 0 = least significant).

const GF_POLY = 0x163;
const A1_COLUMNS = [0x2c, 0xd0, 0x69, 0xc2, 0x41, 0x44, 0x58, 0xe2] as const;
const A2_COLUMNS = [0xd0, 0x2a, 0xe1, 0x2c, 0x21, 0x30, 0xa2, 0x6c] as const;

function gfMul(a: number, b: number): number {
  let product = 0;
  for (; b !== 0; b >>>= 1) {
    if (b & 1) product ^= a;
    a <<= 1;
    if (a & 0x100) a ^= GF_POLY;
  }
  return product;
}

function gfPow(base: number, exponent: number): number {
  let result = 1;
  for (; exponent !== 0; exponent >>>= 1) {
    if (exponent & 1) result = gfMul(result, base);
    base = gfMul(base, base);
  }
  return result;
}

function affine(columns: readonly number[], constant: number, value: number): number {
  let out = constant;
  for (let bit = 0; bit < 8; bit++) if ((value >>> bit) & 1) out ^= columns[bit]!;
  return out;
}

// The G function's four byte masks m0..m3 (RFC 4269, section 2).
const MASKS = [0xfc, 0xf3, 0xcf, 0x3f] as const;

/**
 * G(X) = SS0[X0] ^ SS1[X1] ^ SS2[X2] ^ SS3[X3] with X0 the lowest byte; the four tables are laid
 * end to end in one array so G needs a single base pointer. In the RFC, output byte Zj takes
 * input byte Xi through S-box S1 (even i) or S2 (odd i) masked by m[(i + j) mod 4]; folding that
 * into the tables leaves three XORs per G.
 */
const SS = buildSsTables();

function buildSsTables(): Int32Array {
  const table = new Int32Array(4 * 256);
  for (let x = 0; x < 256; x++) {
    const s1 = affine(A1_COLUMNS, 169, gfPow(x, 247));
    const s2 = affine(A2_COLUMNS, 56, gfPow(x, 251));
    for (let i = 0; i < 4; i++) {
      const s = i % 2 === 0 ? s1 : s2;
      let word = 0;
      for (let j = 0; j < 4; j++) word |= (s & MASKS[(i + j) % 4]!) << (8 * j);
      table[i * 256 + x] = word;
    }
  }
  return table;
}

function g(x: number): number {
  return (
    SS[x & 0xff]! ^
    SS[0x100 | ((x >>> 8) & 0xff)]! ^
    SS[0x200 | ((x >>> 16) & 0xff)]! ^
    SS[0x300 | (x >>> 24)]!
  );
}

// --- Key schedule ---------------------------------------------------------------------------

// KC_i = KC_0 <<< i, where KC_0 is the golden-ratio constant; computing them avoids a table typo.
// (For i = 0, `>>> 32` is `>>> 0` in JavaScript, and the OR still yields KC_0.)
const KC = Int32Array.from({ length: 16 }, (_, i) => (0x9e3779b9 << i) | (0x9e3779b9 >>> (32 - i)));

/** 16 round-key pairs in encryption order; decryption walks them backwards. */
function expandKey(key: Uint8Array): Int32Array {
  if (!isBytes(key, 16)) throw new SeedError('key must be 16 bytes');
  let [k0, k1, k2, k3] = words(key);
  const roundKeys = new Int32Array(32);
  for (let i = 0; i < 16; i++) {
    const kc = KC[i]!;
    roundKeys[2 * i] = g((k0 + k2 - kc) | 0);
    roundKeys[2 * i + 1] = g((k1 - k3 + kc) | 0);
    // The RFC alternates: odd rounds (1-based) rotate K0||K1 right by 8, even rounds K2||K3 left.
    if (i % 2 === 0) {
      const t = k0;
      k0 = (k0 >>> 8) | (k1 << 24);
      k1 = (k1 >>> 8) | (t << 24);
    } else {
      const t = k2;
      k2 = (k2 << 8) | (k3 >>> 24);
      k3 = (k3 << 8) | (t >>> 24);
    }
  }
  return roundKeys;
}

// --- Block function -------------------------------------------------------------------------

/**
 * One block through the 16-round Feistel network, XORed with x0..x3 and written to `out` at
 * `offset`. Words in and out as arguments let the modes apply CBC chaining on the fly, with no
 * temporary arrays and no second pass over the data.
 */
function cryptBlock(
  roundKeys: Int32Array,
  decrypt: boolean,
  l0: number,
  l1: number,
  r0: number,
  r1: number,
  out: DataView,
  offset: number,
  x0: number,
  x1: number,
  x2: number,
  x3: number,
): void {
  for (let round = 0; round < 16; round++) {
    const k = decrypt ? 30 - 2 * round : 2 * round;
    // F(K, R): mixes both halves of R through three dependent G calls.
    const c = r0 ^ roundKeys[k]!;
    const d = r1 ^ roundKeys[k + 1]!;
    const t1 = g(c ^ d);
    const t2 = g((c + t1) | 0);
    const fRight = g((t1 + t2) | 0);
    const fLeft = (t2 + fRight) | 0;
    [l0, l1, r0, r1] = [r0, r1, l0 ^ fLeft, l1 ^ fRight];
  }
  // The last round does not swap halves, which is what makes decryption the same network.
  out.setInt32(offset, r0 ^ x0);
  out.setInt32(offset + 4, r1 ^ x1);
  out.setInt32(offset + 8, l0 ^ x2);
  out.setInt32(offset + 12, l1 ^ x3);
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function blockFunction(roundKeys: Int32Array, decrypt: boolean) {
  return (block: Uint8Array, out: Uint8Array = new Uint8Array(BLOCK)): Uint8Array => {
    if (!isBytes(block, BLOCK)) throw new SeedError('block must be 16 bytes');
    if (!(out instanceof Uint8Array) || out.length < BLOCK) throw new SeedError('output must hold 16 bytes');
    // Read everything before writing: `out` may be `block` itself.
    const [l0, l1, r0, r1] = words(block);
    cryptBlock(roundKeys, decrypt, l0, l1, r0, r1, viewOf(out), 0, 0, 0, 0, 0);
    return out;
  };
}

/** Expands the key once; reuse the result for many blocks. */
export function createSeed(key: Uint8Array): SeedCipher {
  const roundKeys = expandKey(key);
  return { encryptBlock: blockFunction(roundKeys, false), decryptBlock: blockFunction(roundKeys, true) };
}

export function seedEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  return createSeed(key).encryptBlock(block);
}

export function seedDecryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  return createSeed(key).decryptBlock(block);
}

// --- Modes ----------------------------------------------------------------------------------

function checkIv(options: SeedOptions): Uint8Array | undefined {
  if (options.mode === 'ecb') {
    if (options.iv !== undefined) throw new SeedError('iv must not be given in ecb mode');
    return undefined;
  }
  if (options.mode !== 'cbc') throw new SeedError('mode must be cbc or ecb');
  const iv = options.iv;
  if (!isBytes(iv, BLOCK)) throw new SeedError('iv must be 16 bytes');
  return iv;
}

function words(bytes: Uint8Array | undefined): [number, number, number, number] {
  if (!bytes) return [0, 0, 0, 0];
  const view = viewOf(bytes);
  return [view.getInt32(0), view.getInt32(4), view.getInt32(8), view.getInt32(12)];
}

/**
 * ECB or CBC over whole blocks, then wipes the round keys. The chain words hold the previous
 * ciphertext block (first the IV) and stay zero in ECB, where XOR is a no-op. Encryption may work
 * in place (`target` = `source`); decryption may not, as it re-reads the ciphertext to chain.
 */
function runMode(
  roundKeys: Int32Array,
  decrypt: boolean,
  iv: Uint8Array | undefined,
  source: Uint8Array,
  target: Uint8Array,
): void {
  const input = viewOf(source);
  const output = viewOf(target);
  let [c0, c1, c2, c3] = words(iv);
  for (let offset = 0; offset < source.length; offset += BLOCK) {
    const w0 = input.getInt32(offset);
    const w1 = input.getInt32(offset + 4);
    const w2 = input.getInt32(offset + 8);
    const w3 = input.getInt32(offset + 12);
    if (decrypt) cryptBlock(roundKeys, true, w0, w1, w2, w3, output, offset, c0, c1, c2, c3);
    else cryptBlock(roundKeys, false, w0 ^ c0, w1 ^ c1, w2 ^ c2, w3 ^ c3, output, offset, 0, 0, 0, 0);
    if (!iv) continue;
    // The block just written (encrypting) or just read (decrypting) chains into the next one.
    const chain = decrypt ? input : output;
    c0 = chain.getInt32(offset);
    c1 = chain.getInt32(offset + 4);
    c2 = chain.getInt32(offset + 8);
    c3 = chain.getInt32(offset + 12);
  }
  roundKeys.fill(0);
}

/** Always pads (PKCS#7), so the output is 1 to 16 bytes longer than the input. */
export function seedEncrypt(plaintext: Uint8Array, key: Uint8Array, options: SeedOptions): Buffer {
  if (!(plaintext instanceof Uint8Array)) throw new SeedError('plaintext must be bytes');
  const iv = checkIv(options);
  const roundKeys = expandKey(key);
  const padding = BLOCK - (plaintext.length % BLOCK);
  const out = Buffer.alloc(plaintext.length + padding, padding);
  out.set(plaintext);
  runMode(roundKeys, false, iv, out, out);
  return out;
}

/** Decrypts and strips PKCS#7 padding, which must be present and well formed. */
export function seedDecrypt(ciphertext: Uint8Array, key: Uint8Array, options: SeedOptions): Buffer {
  if (!(ciphertext instanceof Uint8Array)) throw new SeedError('ciphertext must be bytes');
  const iv = checkIv(options);
  const roundKeys = expandKey(key);
  if (ciphertext.length % BLOCK !== 0) throw new SeedError('ciphertext length is not a multiple of 16');
  if (ciphertext.length === 0) throw new SeedError('ciphertext is empty');
  const out = Buffer.alloc(ciphertext.length);
  runMode(roundKeys, true, iv, ciphertext, out);
  return out.subarray(0, out.length - paddingLength(out));
}

/**
 * Checks the padding without branching on its bytes, and every failure has the one message, so
 * neither timing nor wording tells an attacker which byte was wrong. (Unauthenticated CBC stays a
 * padding oracle if a caller reveals that decryption failed at all.)
 */
function paddingLength(data: Uint8Array): number {
  const n = data[data.length - 1]!;
  let bad = ((n - 1) >>> 31) | ((BLOCK - n) >>> 31); // n === 0 or n > 16
  for (let i = 1; i <= BLOCK; i++) {
    const differs = (0 - (data[data.length - i]! ^ n)) >>> 31;
    bad |= ((i - n - 1) >>> 31) & differs; // only bytes i <= n belong to the padding
  }
  if (bad !== 0) throw new SeedError('bad padding');
  return n;
}
