import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { ChannelDeps } from '../types.js';
import { handleUpdateSafely } from './bot.js';
import type { BotContext } from './context.js';
import { TELEGRAM_CHANNEL } from './context.js';

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
 * body that is not an Update (400), de-duplicates by `update_id`, acknowledges with 200 at once and
 * handles the update in the background — Telegram re-delivers when a webhook takes too long.
 */
export function createWebhookRouter(bot: Bot<BotContext>, deps: ChannelDeps, options: WebhookOptions): Router {
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
    // Reserve the background slot before recording the update id: if shutdown has begun the update is
    // refused (503) while still unrecorded, so Telegram's re-delivery is not mistaken for a duplicate.
    let release!: (handle: boolean) => void;
    const gate = new Promise<boolean>((resolve) => (release = resolve));
    const started = deps.background.run(`telegram update ${update.update_id}`, async () => {
      if (await gate) await handleUpdateSafely(bot, update);
    });
    if (!started) {
      res.status(503).json({ error: 'shutting down' });
      return;
    }
    let first: boolean;
    try {
      first = await deps.dedup.firstTime(TELEGRAM_CHANNEL, String(update.update_id));
    } catch (error) {
      release(false);
      throw error; // 500: Telegram will deliver it again
    }
    release(first);
    if (!first) deps.logger.info({ updateId: update.update_id }, 'telegram webhook: duplicate update ignored');
    res.status(200).end();
  });
  return router;
}

function isUpdate(body: unknown): body is Update {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const id = (body as { update_id?: unknown }).update_id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
