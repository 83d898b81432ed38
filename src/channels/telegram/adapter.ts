import type { RunnerHandle } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { AppConfig } from '../../config.js';
import type { ChannelAdapter, ChannelDeps } from '../types.js';
import type { Update } from 'grammy/types';
import { UpdateIntake } from '../intake.js';
import { createBot, handleUpdateSafely, type BotOptions } from './bot.js';
import { TELEGRAM_CHANNEL, type BotContext } from './context.js';
import { createTelegramPort } from './outbound-port.js';
import { ALLOWED_UPDATES, startPolling } from './polling.js';
import { BOT_COMMANDS } from './texts.js';
import { updateProblem } from './update-shape.js';
import { createWebhookRouter } from './webhook.js';

export type TelegramConfig = NonNullable<AppConfig['telegram']>;

export interface TelegramAdapterOptions extends Omit<BotOptions, 'apiRoot' | 'isResumed'> {
  /** Long-polling timeout of getUpdates in seconds (polling mode). Default 30. */
  pollingTimeoutSeconds?: number;
}

export interface TelegramAdapter extends ChannelAdapter {
  /** The grammY bot (for tests and diagnostics). */
  readonly bot: Bot<BotContext>;
}

/**
 * The Telegram channel. Webhook mode: `router` takes Telegram's deliveries (mounted at
 * /webhooks/telegram) and `start()` registers the webhook with its secret. Polling mode: no router;
 * `start()` removes any webhook and starts the runner, `stop()` stops it. In both modes `port` delivers
 * the escalation outbox's messages.
 *
 * @example
 * const telegram = createTelegramAdapter(config.telegram, deps);
 * const app = createHttpApp({ adapters: [telegram], logger });
 * await telegram.start();
 */
export function createTelegramAdapter(config: TelegramConfig, deps: ChannelDeps, options: TelegramAdapterOptions = {}): TelegramAdapter {
  const { pollingTimeoutSeconds, ...botOptions } = options;
  // Updates the intake hands over again after a crash (grammY gives handlers the same object as `ctx.update`).
  const resumedUpdates = new WeakSet<Update>();
  const bot = createBot(config.token, deps, {
    ...botOptions,
    ...(config.apiRoot && { apiRoot: config.apiRoot }),
    isResumed: (update) => resumedUpdates.has(update),
  });
  const port = createTelegramPort(bot.api, deps.logger, (ticketId) => deps.escalation.attachmentsOf(ticketId));
  const intake = new UpdateIntake<Update>(TELEGRAM_CHANNEL, deps, (update, _id, resumed) => {
    if (resumed) resumedUpdates.add(update);
    return handleUpdateSafely(bot, update);
  });
  let accepting = true;
  let runner: RunnerHandle | undefined;

  let router: ChannelAdapter['router'];
  const webhook = config.mode === 'webhook' ? { url: config.webhookUrl, secret: config.webhookSecret } : undefined;
  if (webhook) {
    if (!webhook.url || !webhook.secret) throw new Error('Telegram webhook mode needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET');
    router = createWebhookRouter(intake, deps, { secretToken: webhook.secret, accepting: () => accepting });
  }

  return {
    name: TELEGRAM_CHANNEL,
    bot,
    port,
    ...(router && { router }),
    polling: !webhook,
    async start() {
      accepting = true;
      await bot.init();
      await intake.replayUnfinished((payload) => (updateProblem(payload) === undefined ? (payload as Update) : undefined));
      await bot.api
        .setMyCommands([...BOT_COMMANDS])
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'telegram: could not set the command menu'));
      if (webhook) {
        await bot.api.setWebhook(webhook.url!, { secret_token: webhook.secret!, allowed_updates: [...ALLOWED_UPDATES] });
        deps.logger.info({ username: bot.botInfo.username, mode: 'webhook' }, 'telegram: webhook registered');
      } else {
        // Polling and a webhook exclude each other.
        await bot.api.deleteWebhook();
        if (!runner?.isRunning()) runner = startPolling(bot, deps, intake, { timeoutSeconds: pollingTimeoutSeconds });
        deps.logger.info({ username: bot.botInfo.username, mode: 'polling' }, 'telegram: polling');
      }
    },
    async stop() {
      accepting = false;
      const running = runner;
      runner = undefined;
      await running?.stop();
    },
  };
}
