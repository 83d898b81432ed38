import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Update } from 'grammy/types';
import { acknowledge, type UpdateIntake } from '../intake.js';
import { WebhookRefusals } from '../refusals.js';
import type { ChannelDeps } from '../types.js';
import { parseJsonBody, rawBody, readRawBody } from '../webhook-body.js';
import { handledPart, updateProblem } from './update-shape.js';

export const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';

export interface WebhookOptions {
  /** The `secret_token` given to setWebhook; Telegram sends it back in every delivery. */
  secretToken: string;
  /** False once the adapter stopped: deliveries then get 503 and Telegram re-delivers them later. */
  accepting: () => boolean;
}

/**
 * The webhook route (mounted by the server at /webhooks/telegram). In this order, cheapest first:
 * - the secret header, compared in constant time, before the body is read (401 `secret token is wrong`:
 *   nothing read, parsed or processed);
 * - the body read as bytes (1 MiB at most, 413 beyond), refused with 400 when it nests deeper than
 *   WEBHOOK_MAX_DEPTH (checked by a scan of the bytes, before JSON.parse), is not JSON, or is not an
 *   update the bot can read (a mistyped field: see update-shape.ts) — logged once per body, never stored;
 * - stored in the durable inbox (de-duplicated by `update_id`), acknowledged with 200 and handled in the
 *   background — Telegram re-delivers when a webhook takes too long. When the update cannot be stored
 *   (disk full, database locked) the answer is 500, so Telegram delivers it again later.
 */
export function createWebhookRouter(intake: UpdateIntake<Update>, deps: Pick<ChannelDeps, 'logger'>, options: WebhookOptions): Router {
  const expected = digest(options.secretToken);
  const refusals = new WebhookRefusals(deps.logger);
  const checkSecret = refusals.requireHeader(
    SECRET_HEADER,
    (given) => given !== undefined && timingSafeEqual(digest(given), expected),
    { text: 'secret token is wrong' },
    'telegram webhook: wrong or missing secret token',
  );
  const router = Router();
  router.post('/', checkSecret, readRawBody(), async (req, res) => {
    const raw = rawBody(req);
    const parsed = parseJsonBody(raw);
    const problem = parsed.ok ? updateProblem(parsed.value) : parsed.reason;
    if (!parsed.ok || problem) {
      refusals.refuse(res, raw, { ip: req.ip, reason: problem ?? 'not an update' }, 'telegram webhook: update refused as malformed');
      return;
    }
    if (!options.accepting()) {
      res.status(503).json({ error: 'shutting down' });
      return;
    }
    const update = handledPart(parsed.value as Update);
    if (!update) {
      res.status(200).end();
      return;
    }
    await acknowledge(res, intake.take(String(update.update_id), update));
  });
  return router;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
