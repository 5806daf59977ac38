import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { WebhookDeliveries } from '../webhooks/deliveries.ts';
import { route } from './middleware.ts';
import { parseBody } from './validation.ts';

const deliveriesQuery = z.strictObject({
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/)
    .transform(Number)
    .refine((n) => n <= 100)
    .optional(),
});

/** `/v1/webhook-deliveries`: the merchant's backend only. */
export function buildWebhookRoutes(deps: {
  deliveries: WebhookDeliveries;
  merchant: RequestHandler;
}): Router {
  const router = Router();
  router.get('/v1/webhook-deliveries', route('webhooks.list'), deps.merchant, async (req, res) => {
    const { limit } = parseBody(deliveriesQuery, { ...req.query });
    res.json({ deliveries: await deps.deliveries.recent(limit ?? 100) });
  });
  router.post(
    '/v1/webhook-deliveries/:id/retry',
    route('webhooks.retry'),
    deps.merchant,
    async (req, res) => {
      await deps.deliveries.retry(String(req.params['id']));
      res.status(202).end();
    },
  );
  return router;
}
