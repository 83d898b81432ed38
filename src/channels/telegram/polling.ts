import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { ChannelDeps } from '../types.js';
import { handleUpdateSafely } from './bot.js';
import type { BotContext } from './context.js';
import { TELEGRAM_CHANNEL } from './context.js';

/** The updates the bot asks for (webhook and polling alike). */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export interface PollingOptions {
  /** Long-polling timeout of getUpdates in seconds. Default 30. */
  timeoutSeconds?: number;
}

/**
 * Long polling with @grammyjs/runner: updates are fetched continuously and handled concurrently across
 * chats (the bot's `sequentialize` keeps each chat in order). Every update is de-duplicated by
 * `update_id` and runs as background work, so shutdown waits for it. Stop with `handle.stop()`.
 */
export function startPolling(bot: Bot<BotContext>, deps: ChannelDeps, options: PollingOptions = {}): RunnerHandle {
  const runner = run(
    {
      init: () => bot.init(),
      api: bot.api,
      errorHandler: (error: unknown) => deps.logger.error({ err: error }, 'telegram polling: update failed'),
      handleUpdate: (update: Update) =>
        new Promise<void>((resolve) => {
          const started = deps.background.run(`telegram update ${update.update_id}`, async () => {
            try {
              if (await deps.dedup.firstTime(TELEGRAM_CHANNEL, String(update.update_id))) await handleUpdateSafely(bot, update);
              else deps.logger.info({ updateId: update.update_id }, 'telegram polling: duplicate update ignored');
            } finally {
              resolve();
            }
          });
          if (!started) resolve();
        }),
    },
    { runner: { fetch: { timeout: options.timeoutSeconds ?? 30, allowed_updates: [...ALLOWED_UPDATES] } } },
  );
  runner.task()?.catch((error: unknown) => deps.logger.error({ err: error }, 'telegram polling stopped on an error'));
  return runner;
}
