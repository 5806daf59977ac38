import { createPublicKey, sign } from 'node:crypto';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import {
  parseVodaPaySignature,
  signVodaPayRequest,
  verifyVodaPayAnswer,
  vodapaySignatureHeader,
  vodapaySignedContent,
  vodapayTime,
} from '../../../../server/src/providers/vodapay/wire.ts';
import { readSignatureHeader, signatureHolds } from '../../../../server/src/sandbox/vodapay/verify.ts';
import { APPLY_TOKEN_PATH, VODAPAY_CLIENT_ID, vodapayKeys } from './fixture.ts';

const BODY = '{"grantType":"AUTHORIZATION_CODE","authCode":"0000000001Ab+/="}';
const TIME = '2026-11-22T03:00:00.000+00:00';

/** node-forge's RSA is pure JavaScript: a verifier that shares nothing with OpenSSL or our code. */
function forgeVerifies(message: string, signatureBase64: string): boolean {
  const pem = vodapayKeys().merchant.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const key = forge.pki.publicKeyFromPem(pem) as forge.pki.rsa.PublicKey;
  const digest = forge.md.sha256.create();
  digest.update(message, 'utf8');
  try {
    return key.verify(digest.digest().bytes(), forge.util.decode64(signatureBase64));
  } catch {
    return false;
  }
}

/** The header's signature value exactly as Python's quote_plus writes base64 (Alipay's own SDK). */
function quotePlus(base64: string): string {
  return base64.replace(/\+/g, '%2B').replace(/\//g, '%2F').replace(/=/g, '%3D');
}

const signer = () => ({
  clientId: VODAPAY_CLIENT_ID,
  privateKey: vodapayKeys().merchant.privateKey,
  keyVersion: 1,
});

describe('VodaPay signed content (PROVIDERS.md, vodapay)', () => {
  it('is POST, the path, a line feed, then Client-Id.Request-Time.body, byte for byte', () => {
    const content = vodapaySignedContent(APPLY_TOKEN_PATH, 'CID', TIME, Buffer.from(BODY));
    expect(content.toString('utf8')).toBe(
      `POST /v2/authorizations/applyToken\nCID.2026-11-22T03:00:00.000+00:00.${BODY}`,
    );
  });

  it('carries the body bytes untouched, multi-byte characters included', () => {
    const body = Buffer.from('{"fullName":"Thandi Nkosí"}', 'utf8');
    const content = vodapaySignedContent('/p', 'C', 'T', body);
    expect(content.subarray(content.length - body.length).equals(body)).toBe(true);
  });

  it('writes Request-Time as RFC 3339 with milliseconds', () => {
    expect(vodapayTime(Date.UTC(2026, 10, 22, 3, 0, 0, 7))).toBe('2026-11-22T03:00:00.007+00:00');
  });
});

describe('VodaPay request signature', () => {
  it('has the documented header shape, its value URL-encoded as quote_plus encodes it', async () => {
    const headers = await signVodaPayRequest(signer(), APPLY_TOKEN_PATH, Buffer.from(BODY), TIME);
    expect(headers['client-id']).toBe(VODAPAY_CLIENT_ID);
    expect(headers['request-time']).toBe(TIME);
    const match = /^algorithm=RSA256, keyVersion=1, signature=([A-Za-z0-9%]+)$/.exec(headers.signature);
    expect(match).not.toBeNull();
    const base64 = decodeURIComponent(match![1]!);
    expect(match![1]).toBe(quotePlus(base64));
    // The same bytes signed by OpenSSL directly: the adapter adds nothing and drops nothing.
    const content = Buffer.from(`POST ${APPLY_TOKEN_PATH}\n${VODAPAY_CLIENT_ID}.${TIME}.${BODY}`);
    expect(base64).toBe(sign('sha256', content, vodapayKeys().merchant.privateKey).toString('base64'));
  });

  it('verifies in node-forge, an RSA implementation independent of ours', async () => {
    const headers = await signVodaPayRequest(signer(), APPLY_TOKEN_PATH, Buffer.from(BODY), TIME);
    const base64 = parseVodaPaySignature(headers.signature)!.value;
    const message = `POST ${APPLY_TOKEN_PATH}\n${VODAPAY_CLIENT_ID}.${TIME}.${BODY}`;
    expect(forgeVerifies(message, base64)).toBe(true);
    expect(forgeVerifies(message.replace('POST ', 'POST  '), base64)).toBe(false);
    expect(forgeVerifies(`${message} `, base64)).toBe(false);
  });

  it("verifies in the sandbox's separately written verifier, URL-encoded and raw", async () => {
    const { publicKey } = vodapayKeys().merchant;
    const headers = await signVodaPayRequest(signer(), APPLY_TOKEN_PATH, Buffer.from(BODY), TIME);
    const encoded = readSignatureHeader(headers.signature)!;
    const raw = readSignatureHeader(
      `algorithm=RSA256, keyVersion=1, signature=${decodeURIComponent(headers.signature.split('signature=')[1]!)}`,
    )!;
    expect(raw.base64).toBe(encoded.base64);
    for (const { base64 } of [encoded, raw])
      expect(
        signatureHolds(publicKey, APPLY_TOKEN_PATH, VODAPAY_CLIENT_ID, TIME, Buffer.from(BODY), base64),
      ).toBe(true);
    const changed = Buffer.from(BODY.replace('1Ab', '1Ac'));
    expect(
      signatureHolds(publicKey, APPLY_TOKEN_PATH, VODAPAY_CLIENT_ID, TIME, changed, encoded.base64),
    ).toBe(false);
    expect(
      signatureHolds(publicKey, '/v2/other', VODAPAY_CLIENT_ID, TIME, Buffer.from(BODY), encoded.base64),
    ).toBe(false);
  });

  it('signs the key version it is configured with', async () => {
    const headers = await signVodaPayRequest({ ...signer(), keyVersion: 7 }, '/p', Buffer.from('{}'), TIME);
    expect(readSignatureHeader(headers.signature)?.keyVersion).toBe('7');
  });
});

describe('VodaPay answer verification', () => {
  const { privateKey } = vodapayKeys().platform;
  const platformPublic = createPublicKey(privateKey);
  const answer = Buffer.from('{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"ok"}}');
  const header = (body: Buffer, time = TIME) =>
    vodapaySignatureHeader(
      1,
      sign('sha256', Buffer.concat([Buffer.from(`POST /p\nCID.${time}.`), body]), privateKey),
    );
  const check = (signature: string | null, body = answer, key = platformPublic) =>
    verifyVodaPayAnswer(key, '/p', { clientId: 'CID', responseTime: TIME, signature }, body);

  it('accepts the platform signature over the exact body, URL-encoded or raw', async () => {
    const signature = header(answer);
    expect(await check(signature)).toBe(true);
    expect(await check(decodeURIComponent(signature))).toBe(true);
  });

  it('refuses one changed byte, another key, another time, a missing header or another algorithm', async () => {
    const changed = Buffer.from(answer);
    changed[changed.length - 4] = 0x4b;
    expect(await check(header(answer), changed)).toBe(false);
    expect(await check(header(answer), answer, vodapayKeys().merchant.publicKey)).toBe(false);
    expect(await check(header(answer, '2026-11-22T03:00:01.000+00:00'))).toBe(false);
    expect(await check(null)).toBe(false);
    expect(await check(header(answer).replace('RSA256', 'RSA'))).toBe(false);
    expect(await check('algorithm=RSA256, keyVersion=1, signature=%ZZ')).toBe(false);
  });
});
