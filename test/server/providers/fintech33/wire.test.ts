import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkgateError } from '../../../../server/src/errors.ts';
import {
  decodeFintech33Answer,
  interpretFintech33Answer,
} from '../../../../server/src/providers/fintech33/codes.ts';
import type { Harness } from '../../support/harness.ts';
import { testFintech33Keys, testFintech33Settings } from './fixture.ts';
import { buyer, connect, pay, PAY_URL, start, TOKEN_URL, type WireExchange } from './support.ts';

/* Independent implementations: node-forge's AES and RSA, and OpenSSL's command line. */

const binary = (bytes: Buffer) => bytes.toString('binary');

function forgeDecrypt(key: Buffer, base64: string): string {
  const decipher = forge.cipher.createDecipher('AES-ECB', forge.util.createBuffer(binary(key)));
  decipher.start();
  decipher.update(forge.util.createBuffer(binary(Buffer.from(base64, 'base64'))));
  expect(decipher.finish()).toBe(true);
  return Buffer.from(decipher.output.getBytes(), 'binary').toString('utf8');
}

function forgeEncrypt(key: Buffer, text: string): string {
  const cipher = forge.cipher.createCipher('AES-ECB', forge.util.createBuffer(binary(key)));
  cipher.start();
  cipher.update(forge.util.createBuffer(binary(Buffer.from(text, 'utf8'))));
  cipher.finish();
  return Buffer.from(cipher.output.getBytes(), 'binary').toString('base64');
}

function opensslDecrypt(key: Buffer, base64: string): string {
  const args = ['enc', '-d', '-aes-128-ecb', '-K', key.toString('hex'), '-base64', '-A'];
  return execFileSync('openssl', args, { input: base64 }).toString('utf8');
}

function opensslEncrypt(key: Buffer, text: string): string {
  const args = ['enc', '-aes-128-ecb', '-K', key.toString('hex'), '-base64', '-A'];
  return execFileSync('openssl', args, { input: text }).toString('utf8').trim();
}

const forgePublic = (key: KeyObject) => {
  const spki = (key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'pem' });
  return forge.pki.publicKeyFromPem(spki.toString());
};
const forgePrivate = (key: KeyObject) =>
  forge.pki.privateKeyFromPem(key.export({ type: 'pkcs8', format: 'pem' }).toString());

function sha256(text: string) {
  const md = forge.md.sha256.create();
  md.update(binary(Buffer.from(text, 'utf8')));
  return md;
}

function forgeVerify(key: KeyObject, text: string, signBase64: string): boolean {
  return forgePublic(key).verify(sha256(text).digest().bytes(), binary(Buffer.from(signBase64, 'base64')));
}

function forgeSign(key: KeyObject, text: string): string {
  return Buffer.from(forgePrivate(key).sign(sha256(text)), 'binary').toString('base64');
}

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('33 Fintech request bytes, checked by independent implementations', () => {
  it('sends the token request, then each service signed, then encrypted, exactly as documented', async () => {
    const { merchant, platform, aesKey } = testFintech33Keys();
    let exchanges: WireExchange[];
    ({ h, exchanges } = await start());
    await connect(h, await h.session(buyer(1, { phone: '+85291234567' })));
    await pay(h, 'key-f33-wire-1', {
      provider: 'fintech33',
      merchantUserId: 'f33-buyer-1',
      amount: '25.00',
      currency: 'HKD',
      merchantTransactionId: 'order-1',
      description: 'Two paper lanterns',
    });
    expect(exchanges.map((e) => e.request.url)).toEqual([TOKEN_URL, PAY_URL, PAY_URL, PAY_URL]);
    const [token, ...calls] = exchanges as [WireExchange, ...WireExchange[]];
    expect(token.body).toBe(`{"appId":"APP-TEST","appSecret":"${testFintech33Settings().appSecret}"}`);
    expect(token.request.headers['authorization']).toBeUndefined();
    const issued = (JSON.parse(token.answer) as { token: string }).token;

    const payerID = [...(h.sandboxes.get('fintech33') as any).book.payers.values()][0].payerID as string;
    const expected: Array<[string, string]> = [
      ['getPayer', '{"email":"f33.buyer1@example.com"}'],
      [
        'createPayer',
        '{"firstName":"Fay","lastName":"Buyer1","email":"f33.buyer1@example.com","areaCode":"852",' +
          '"phone":"91234567","address":"","city":"","province":"","postcode":"","country":""}',
      ],
      [
        'createOrder',
        `{"order_sn":"order-1","currency":"HKD","amount":"25.00","payerID":"${payerID}",` +
          '"purposeOfTransaction":"purchase","description":"Two paper lanterns","skip3ds":true,' +
          '"domain":"127.0.0.1","product":"Two paper lanterns"}',
      ],
    ];
    calls.forEach((call, index) => {
      const [service, json] = expected[index]!;
      expect(call.request.method).toBe('POST');
      expect(call.request.headers['authorization']).toBe(`Bearer ${issued}`);
      expect(call.request.headers['content-type']).toBe('application/json');
      const envelope = JSON.parse(call.body) as { service: string; bizContent: string; sign: string };
      expect(call.body).toBe(
        JSON.stringify({ service, bizContent: envelope.bizContent, sign: envelope.sign }),
      );
      // The exact JSON, decrypted by forge and by OpenSSL; re-encrypted by both to the same bytes.
      expect(forgeDecrypt(aesKey, envelope.bizContent)).toBe(json);
      expect(opensslDecrypt(aesKey, envelope.bizContent)).toBe(json);
      expect(envelope.bizContent).toBe(opensslEncrypt(aesKey, json));
      expect(envelope.bizContent).toBe(forgeEncrypt(aesKey, json));
      // The sign covers those exact bytes (PKCS#1 v1.5 is deterministic: forge makes the same one).
      expect(forgeVerify(merchant.publicKey, json, envelope.sign)).toBe(true);
      expect(envelope.sign).toBe(forgeSign(merchant.privateKey, json));
      // The sandbox's answers follow the same rules, with the platform's key.
      const answer = JSON.parse(call.answer) as { statusCode: number; bizContent: string; sign: string };
      expect(answer.statusCode).toBe(0);
      const text = forgeDecrypt(aesKey, answer.bizContent);
      expect(forgeVerify(platform.publicKey, text, answer.sign)).toBe(true);
      expect(JSON.parse(text)).toMatchObject({ status: 0 });
    });
  });
});

/** An answer as 33 Fintech would send it, made with forge. */
function answerOf(content: unknown, options: { signer?: KeyObject; statusCode?: unknown } = {}) {
  const { platform, aesKey } = testFintech33Keys();
  const text = JSON.stringify(content);
  return {
    statusCode: options.statusCode ?? 0,
    bizContent: forgeEncrypt(aesKey, text),
    sign: forgeSign(options.signer ?? platform.privateKey, text),
  };
}

const decode = (envelope: unknown, status = 200) =>
  decodeFintech33Answer(testFintech33Settings(), {
    status,
    headers: new Headers(),
    body: Buffer.from(typeof envelope === 'string' ? envelope : JSON.stringify(envelope)),
  });

async function refusal(envelope: unknown): Promise<LinkgateError> {
  const error = await decode(envelope).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(LinkgateError);
  return error as LinkgateError;
}

describe('the answer codec: nothing is read before it decrypts and verifies', () => {
  const content = { status: 0, errorCode: '', errorMessage: 'success', data: { payerID: 'PYR1' } };

  it('reads an authentic answer', async () => {
    expect(await decode(answerOf(content))).toEqual(content);
  });

  it('refuses one changed byte of bizContent, another key, a missing or broken sign', async () => {
    const good = answerOf(content);
    const sealed = Buffer.from(good.bizContent, 'base64');
    sealed[3] = sealed[3]! ^ 0x80;
    const last = good.bizContent.length - 3;
    const stray = good.bizContent.slice(0, last) + (good.bizContent[last] === 'A' ? 'B' : 'A');
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    for (const forged of [
      { ...good, bizContent: sealed.toString('base64') },
      { ...good, bizContent: stray + good.bizContent.slice(last + 1) },
      answerOf(content, { signer: stranger }),
      { statusCode: 0, bizContent: good.bizContent },
      { ...good, sign: '' },
      { ...good, sign: good.sign.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) },
      { ...good, sign: ` ${good.sign}` },
    ]) {
      const error = await refusal(forged);
      expect(error.code).toBe('PROVIDER_REJECTED');
      expect(error.providerCode).toBeUndefined();
    }
  });

  it('treats a statusCode other than 0, or an unreadable body, as the provider unavailable', async () => {
    const transport = await refusal({ statusCode: 500, bizContent: null, sign: null });
    expect([transport.code, transport.providerCode]).toEqual(['PROVIDER_UNAVAILABLE', '500']);
    expect((await refusal('<html>bad gateway')).code).toBe('PROVIDER_UNAVAILABLE');
    expect((await refusal(answerOf({ nothing: true }))).code).toBe('PROVIDER_UNAVAILABLE');
  });

  it('maps status -1 to PROVIDER_REJECTED with the provider code kept for the log', async () => {
    const answer = await decode(
      answerOf({ status: -1, errorCode: 'PAYER_EXISTS', errorMessage: 'payer exists', data: null }),
    );
    const verdict = interpretFintech33Answer(answer);
    expect(verdict.kind).toBe('fail');
    const error = (verdict as { error: LinkgateError }).error;
    expect([error.code, error.providerCode, error.message]).toEqual([
      'PROVIDER_REJECTED',
      'PAYER_EXISTS',
      'The provider declined the request.',
    ]);
  });
});
