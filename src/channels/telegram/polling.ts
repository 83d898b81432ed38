import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { UpdateIntake } from '../intake.js';
import type { ChannelDeps } from '../types.js';
import type { BotContext } from './context.js';
import { handledPart, updateProblem } from './update-shape.js';

/** The updates the bot asks for (webhook and polling alike). */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export interface PollingOptions {
  /** Long-polling timeout of getUpdates in seconds. Default 30. */
  timeoutSeconds?: number;
}

/**
 * Long polling with @grammyjs/runner: updates are fetched continuously and handled concurrently across
 * chats (the bot's `sequentialize` keeps each chat in order). Every update is checked like a webhook
 * delivery and goes through the intake (stored, de-duplicated by `update_id`, handled as background
 * work). Stop with `handle.stop()`.
 */
export function startPolling(bot: Bot<BotContext>, deps: ChannelDeps, intake: UpdateIntake<Update>, options: PollingOptions = {}): RunnerHandle {
  const runner = run(
    {
      init: () => bot.init(),
      api: bot.api,
      errorHandler: (error: unknown) => deps.logger.error({ err: error }, 'telegram polling: update failed'),
      handleUpdate: async (update: Update) => {
        // Telegram's own updates are well formed; the check keeps polling and webhooks alike.
        const problem = updateProblem(update);
        if (problem) {
          deps.logger.warn({ updateId: update.update_id, reason: problem }, 'telegram polling: update skipped as malformed');
          return;
        }
        const handled = handledPart(update);
        if (handled) await intake.take(String(handled.update_id), handled);
      },
    },
    { runner: { fetch: { timeout: options.timeoutSeconds ?? 30, allowed_updates: [...ALLOWED_UPDATES] } } },
  );
  runner.task()?.catch((error: unknown) => deps.logger.error({ err: error }, 'telegram polling stopped on an error'));
  return runner;
}
