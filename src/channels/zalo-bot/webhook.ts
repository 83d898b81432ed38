import { createHash } from 'node:crypto';
import { Router } from 'express';
import type { Logger } from '../../logger.js';
import { acknowledge, type IntakeOutcome } from '../intake.js';
import { WebhookRefusals } from '../refusals.js';
import { isJsonObject, parseJsonBody, rawBody, readRawBody } from '../webhook-body.js';
import type { ZaloBotUpdate } from './api.js';
import { unwrapUpdate, updateProblem } from './update.js';
import { constantTimeEqual } from './webhook-secret.js';

export const ZALO_BOT_SECRET_HEADER = 'X-Bot-Api-Secret-Token';

/**
 * The Zalo Bot webhook route (mounted at /webhooks/zalo-bot). In this order, cheapest first:
 * - the `X-Bot-Api-Secret-Token` header, compared in constant time, before the body is read (401:
 *   nothing read, parsed or processed);
 * - the body read as bytes (1 MiB at most), refused with 400 when it nests too deeply (a scan of the bytes
 *   before JSON.parse), is not JSON, is not an object, or has a mistyped field — logged once per body;
 * - handed to `accept` (the adapter's intake) with an id for de-duplication: the message id, or for an
 *   event without one a digest of its bytes (the same bytes delivered again are the same event).
 *   200 `{ ok: true }` once stored; 500 when it could not be (Zalo delivers it again).
 */
export function createZaloBotWebhook(
  secret: string,
  logger: Logger,
  accept: (update: ZaloBotUpdate, fallbackId: string) => Promise<IntakeOutcome>,
): Router {
  const refusals = new WebhookRefusals(logger);
  const checkSecret = refusals.requireHeader(
    ZALO_BOT_SECRET_HEADER,
    (given) => constantTimeEqual(given, secret),
    { json: { error: 'unauthorized' } },
    'webhook refused: wrong or missing secret token',
  );
  const router = Router();
  router.post('/', checkSecret, readRawBody(), async (req, res) => {
    const raw = rawBody(req);
    const parsed = parseJsonBody(raw);
    const update = parsed.ok && isJsonObject(parsed.value) ? unwrapUpdate(parsed.value) : undefined;
    const problem = !parsed.ok ? parsed.reason : !update ? 'expected a JSON object' : updateProblem(update);
    if (problem || !update) {
      refusals.refuse(res, raw, { ip: req.ip, reason: problem ?? 'expected a JSON object' }, 'webhook refused: malformed update');
      return;
    }
    await acknowledge(res, accept(update, `noid:${createHash('sha256').update(raw).digest('hex')}`), { ok: true });
  });
  return router;
}
