import { randomBytes } from 'node:crypto';
import express, { type Express } from 'express';
import { Webhook } from 'standardwebhooks';
import type { Env } from '../server/src/config/env.ts';

/**
 * The shop's backend hearing Linkgate's webhooks, as a merchant's would: it verifies each one with
 * the `standardwebhooks` library (any Standard Webhooks library would do), keeps it once by its
 * `webhook-id` however often it arrives, and answers 204 at once.
 */

const PATH = '/demo/webhooks';
const KEPT = 50;

export interface ReceivedWebhook {
  id: string;
  type: string;
  /** When the change happened (the body's `timestamp`). */
  timestamp: string;
  data: Record<string, unknown>;
  receivedAt: string;
  /** How many times this `webhook-id` arrived (a retry after a lost answer arrives again). */
  deliveries: number;
}

/**
 * Points Linkgate's webhooks at the demo's own backend unless the environment already says where
 * they go: `http:` on loopback, which the sandbox allows, with a secret made up for this run.
 */
export function withDemoWebhooks(env: Env): Env {
  const sandbox =
    env['LINKGATE_SANDBOX'] === '1' || (!env['LINKGATE_SANDBOX'] && env['NODE_ENV'] !== 'production');
  if (env['LINKGATE_WEBHOOK_URL'] || env['PORT'] === '0' || !sandbox) return env;
  return {
    ...env,
    LINKGATE_WEBHOOK_URL: `http://127.0.0.1:${env['PORT'] || '8080'}${PATH}`,
    LINKGATE_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
  };
}

/** `POST /demo/webhooks` receives; `GET /demo/webhooks` lists what arrived, newest first. */
export function webhookRoutes(app: Express, secrets: readonly string[]): void {
  const verifiers = secrets.map((secret) => new Webhook(secret));
  const received: ReceivedWebhook[] = [];
  app.post(PATH, express.raw({ type: 'application/json', limit: '64kb' }), (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    // Any one of the shop's secrets may have signed it (during a rotation, both do).
    const event = verifiers.map((verifier) => verifiedBy(verifier, body, headers)).find(Boolean);
    if (!event) return void res.status(400).end();
    const seen = received.find((r) => r.id === headers['webhook-id']);
    if (seen) seen.deliveries += 1;
    else {
      received.unshift({
        id: headers['webhook-id'],
        type: event.type,
        timestamp: event.timestamp,
        data: event.data,
        receivedAt: new Date().toISOString(),
        deliveries: 1,
      });
      received.length = Math.min(received.length, KEPT);
    }
    res.status(204).end();
  });
  app.get(PATH, (_req, res) => {
    res.set('cache-control', 'no-store').json({ webhooks: received });
  });
}

type Body = { type: string; timestamp: string; data: Record<string, unknown> };

function verifiedBy(verifier: Webhook, body: string, headers: Record<string, string>): Body | undefined {
  try {
    return verifier.verify(body, headers) as Body;
  } catch {
    return undefined; // not this secret's signature (or not a webhook at all)
  }
}
