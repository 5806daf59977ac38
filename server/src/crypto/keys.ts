import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

/** A key or secret that could not be used; the message names the variable, never the value. */
export class KeyError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'KeyError';
  }
}

const MIN_RSA_BITS = 2048;
const PEM_PATTERN = /^-----BEGIN ([A-Z0-9 ]+)-----\n([A-Za-z0-9+/=\n]+?)\n?-----END \1-----\n?$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

/** The raw material of a key as configuration gives it: text (PEM or base64) or a PKCS#12 file. */
export type KeySource =
  { kind: 'text'; text: string } | { kind: 'pkcs12'; bytes: Buffer; passphrase: string | undefined };

function normalisePem(variable: string, text: string): string {
  const unified = text.replace(/\r\n/g, '\n');
  if (!PEM_PATTERN.test(unified)) {
    throw new KeyError(variable, 'is not a well-formed PEM block (stray whitespace or characters?)');
  }
  return unified;
}

function checkRsa(variable: string, key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new KeyError(variable, `must be an RSA key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw new KeyError(variable, `RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required`);
  }
  return key;
}

function describeOpenSslFailure(error: unknown): string {
  const code = (error as { code?: string }).code ?? '';
  if (/PASSPHRASE|BAD_DECRYPT|INTERRUPTED_OR_CANCELLED/i.test(code)) {
    return 'is encrypted; a passphrase is required (PKCS#12 with _PASSPHRASE) or give an unencrypted key';
  }
  return 'could not be read as a key';
}

function privateFromPkcs12(variable: string, bytes: Buffer, passphrase: string | undefined): KeyObject {
  let pem: string | undefined;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));
    const p12 = forge.pkcs12.pkcs12FromAsn1(asn1, passphrase ?? '');
    const bags = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[
      forge.pki.oids.pkcs8ShroudedKeyBag!
    ];
    const plainBags = p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!];
    const key = bags?.[0]?.key ?? plainBags?.[0]?.key;
    if (key) pem = forge.pki.privateKeyToPem(key);
  } catch {
    // forge's messages can quote file contents; a plain reason is enough here.
    throw new KeyError(variable, 'PKCS#12 file could not be opened (wrong passphrase or not PKCS#12)');
  }
  if (!pem) throw new KeyError(variable, 'PKCS#12 file holds no private key');
  return createPrivateKey(pem);
}

/** Reads an RSA private key given as PEM (PKCS#8 or PKCS#1), bare base64 DER, or PKCS#12. */
export function loadRsaPrivateKey(variable: string, source: KeySource): KeyObject {
  if (source.kind === 'pkcs12')
    return checkRsa(variable, privateFromPkcs12(variable, source.bytes, source.passphrase));
  const text = source.text;
  let key: KeyObject;
  try {
    if (text.startsWith('-----BEGIN')) {
      const pem = normalisePem(variable, text);
      if (pem.includes('ENCRYPTED')) {
        throw new KeyError(
          variable,
          'is encrypted; give an unencrypted key or a PKCS#12 file with _PASSPHRASE',
        );
      }
      key = createPrivateKey({ key: pem, format: 'pem' });
    } else {
      if (!BASE64_PATTERN.test(text)) throw new KeyError(variable, 'is neither PEM nor base64 DER');
      const der = Buffer.from(text, 'base64');
      key = tryDer(der, ['pkcs8', 'pkcs1'], (type) => createPrivateKey({ key: der, format: 'der', type }));
    }
  } catch (error) {
    if (error instanceof KeyError) throw error;
    throw new KeyError(variable, describeOpenSslFailure(error));
  }
  return checkRsa(variable, key);
}

/** Reads an RSA public key given as PEM (SPKI or PKCS#1) or bare base64 DER (SPKI). */
export function loadRsaPublicKey(variable: string, text: string): KeyObject {
  let key: KeyObject;
  try {
    if (text.startsWith('-----BEGIN')) {
      key = createPublicKey({ key: normalisePem(variable, text), format: 'pem' });
    } else {
      if (!BASE64_PATTERN.test(text)) throw new KeyError(variable, 'is neither PEM nor base64 DER');
      const der = Buffer.from(text, 'base64');
      key = tryDer(der, ['spki', 'pkcs1'], (type) => createPublicKey({ key: der, format: 'der', type }));
    }
  } catch (error) {
    if (error instanceof KeyError) throw error;
    throw new KeyError(variable, 'could not be read as a public key');
  }
  if (key.type !== 'public') throw new KeyError(variable, 'must be a public key');
  return checkRsa(variable, key);
}

function tryDer<T extends string>(der: Buffer, types: T[], make: (type: T) => KeyObject): KeyObject {
  let last: unknown;
  for (const type of types) {
    try {
      return make(type);
    } catch (error) {
      last = error;
    }
  }
  throw last;
}
