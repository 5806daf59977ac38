import { Router, type RequestHandler } from 'express';
import { LinkgateError } from '../errors.ts';
import type { Payments } from '../payments/payments.ts';
import { jsonBody, route } from './middleware.ts';
import { IDEMPOTENCY_KEY, parseBody, paymentBody } from './validation.ts';

/** `/v1/payments`: the merchant's backend only. */
export function buildPaymentRoutes(deps: { payments: Payments; merchant: RequestHandler }): Router {
  const router = Router();
  router.post('/v1/payments', route('payments.create'), deps.merchant, jsonBody, async (req, res) => {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
      throw new LinkgateError(
        'INVALID_REQUEST',
        'An Idempotency-Key header of 8 to 128 characters is required.',
      );
    }
    const input = parseBody(paymentBody, req.body);
    const answer = await deps.payments.create(key, input, { requestId: req.requestId });
    res.status(answer.status).json(answer.body);
  });
  router.get('/v1/payments/:paymentId', route('payments.view'), deps.merchant, async (req, res) => {
    res.json(await deps.payments.view(String(req.params['paymentId'])));
  });
  return router;
}
