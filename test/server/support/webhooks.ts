import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/* The merchant's side of Linkgate's webhooks, for tests: an endpoint on loopback and a verifier. */

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  headers: IncomingMessage['headers'];
}

/** How the endpoint answers the nth request (from 0): a status with headers, or never. */
export type Answering = (received: Received, index: number) => { status: number; location?: string } | 'hang';

export interface Receiver {
  url: string;
  received: Received[];
  /** Requests whose connection closed before they were answered (a sender's deadline). */
  abandoned: number;
  answering: Answering;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(answering: Answering = () => ({ status: 204 })): Promise<Receiver> {
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const receiver: Receiver = {
    url: '',
    received: [],
    abandoned: 0,
    answering,
    waitFor: (count) =>
      receiver.received.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: Received = {
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body: Buffer.concat(chunks).toString('utf8'),
        headers: req.headers,
      };
      const index = receiver.received.push(received) - 1;
      for (const waiter of waiters.filter((w) => receiver.received.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      const answer = receiver.answering(received, index);
      if (answer === 'hang') {
        res.on('close', () => (receiver.abandoned += 1));
        return;
      }
      res.writeHead(answer.status, answer.location ? { location: answer.location } : {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/linkgate`;
  return receiver;
}

/**
 * A Standard Webhooks verifier written from the specification alone, with node:crypto: the
 * signed content is `id.timestamp.body`, the key is the base64 after `whsec_`, the header is a
 * space-separated list of `v1,<base64 HMAC-SHA256>`, and the timestamp is within 5 minutes of now.
 */
export function verifyStandardWebhook(secret: string, message: Received, nowMs: number): boolean {
  if (!secret.startsWith('whsec_')) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  if (!/^[0-9]+$/.test(message.timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(message.timestamp)) > 300) return false;
  const expected = createHmac('sha256', key)
    .update(`${message.id}.${message.timestamp}.${message.body}`)
    .digest();
  return message.signature.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || signature === undefined) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** The JSON body of a received webhook. */
export function bodyOf(message: Received): { type: string; timestamp: string; data: Record<string, string> } {
  return JSON.parse(message.body) as { type: string; timestamp: string; data: Record<string, string> };
}
