import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Update } from 'grammy/types';
import { acknowledge, type UpdateIntake } from '../intake.js';
import type { ChannelDeps } from '../types.js';

export const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';

export interface WebhookOptions {
  /** The `secret_token` given to setWebhook; Telegram sends it back in every delivery. */
  secretToken: string;
  /** False once the adapter stopped: deliveries then get 503 and Telegram re-delivers them later. */
  accepting: () => boolean;
}

/**
 * The webhook route (mounted by the server at /webhooks/telegram; expects the JSON body parser in front).
 * Checks the secret header in constant time (401 `secret token is wrong`, nothing processed), refuses a
 * body that is not an Update (400), stores it in the durable inbox (de-duplicated by `update_id`),
 * acknowledges with 200 and handles the update in the background — Telegram re-delivers when a webhook
 * takes too long. When the update cannot be stored (disk full, database locked) the answer is 500, so
 * Telegram delivers it again later.
 */
export function createWebhookRouter(intake: UpdateIntake<Update>, deps: Pick<ChannelDeps, 'logger'>, options: WebhookOptions): Router {
  const expected = digest(options.secretToken);
  const router = Router();
  router.post('/', async (req, res) => {
    const given = req.get(SECRET_HEADER);
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      deps.logger.warn({ ip: req.ip }, 'telegram webhook: wrong or missing secret token');
      res.status(401).type('text/plain').send('secret token is wrong');
      return;
    }
    const update: unknown = req.body;
    if (!isUpdate(update)) {
      deps.logger.warn({ ip: req.ip }, 'telegram webhook: body is not an update');
      res.status(400).json({ error: 'expected a Telegram Update with a numeric update_id' });
      return;
    }
    if (!options.accepting()) {
      res.status(503).json({ error: 'shutting down' });
      return;
    }
    await acknowledge(res, intake.take(String(update.update_id), update));
  });
  return router;
}

export function isUpdate(body: unknown): body is Update {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const id = (body as { update_id?: unknown }).update_id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
