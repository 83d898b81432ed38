import { autoRetry, type AutoRetryOptions } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { apiThrottler, type APIThrottlerOptions } from '@grammyjs/transformer-throttler';
import { Bot, BotError, type Transformer } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { BotContext, BotDeps } from './context.js';
import { createPooledFetch } from '../pooled-fetch.js';
import { expertFeature } from './features/expert.js';
import { feedbackFeature } from './features/feedback.js';
import { noticesFeature } from './features/notices.js';
import { papersFeature } from './features/papers.js';
import { questionsFeature } from './features/questions.js';
import { startFeature } from './features/start.js';
import { ticketButtonsFeature } from './features/ticket-buttons.js';
import { unhandledFeature } from './features/unhandled.js';
import { SORRY } from './texts.js';

export interface BotOptions {
  /** Bot API server root without a trailing slash (an emulator in tests). Default: Telegram's. */
  apiRoot?: string;
  /** Skips `getMe` at init (offline tests). */
  botInfo?: UserFromGetMe;
  /**
   * In-process retries of one API call. Default: at most 2 retries, only for a 429 asking to wait ≤ 5 s;
   * 5xx and network errors are thrown at once (the outbox and Telegram's own re-delivery retry later).
   */
  autoRetry?: Partial<AutoRetryOptions>;
  /** Outgoing rate limits (Telegram: ~30 msg/s overall, 1/s per chat, 20/min per group); false turns them off. */
  throttle?: APIThrottlerOptions | false;
  /** Timeout of one API call. Default 60 s (long polling asks for 30 s at most). */
  timeoutSeconds?: number;
  /** "typing…" is shown only when an answer takes longer than this. Default 400 ms. */
  typingAfterMs?: number;
  /** Whether an update is handled again after a crash (the adapter's intake knows); sets `ctx.resumed`. Default: never. */
  isResumed?: (update: Update) => boolean;
}

export const DEFAULT_AUTO_RETRY: AutoRetryOptions = {
  maxRetryAttempts: 2,
  maxDelaySeconds: 5,
  rethrowInternalServerErrors: true,
  // auto-retry retries network errors forever unless told otherwise.
  rethrowHttpErrors: true,
};

const DEFAULT_TYPING_AFTER_MS = 400;
const TELEGRAM_API_ROOT = 'https://api.telegram.org';

/** Methods that are not messages and skip the per-chat throttle (a typing indicator must not delay the answer). */
const UNTHROTTLED = new Set(['sendChatAction', 'answerCallbackQuery', 'getUpdates', 'getMe', 'setWebhook', 'deleteWebhook']);

/**
 * The bot, wired: the core's services on `ctx.deps`, per-chat ordering, API retries and rate limits,
 * and one composer per feature (start/help, expert commands, notice settings, buttons, questions, then a catch-all).
 * Polling, webhooks and outbound delivery live in the adapter.
 *
 * @example
 * const bot = createBot(config.telegram.token, deps, { apiRoot: 'http://127.0.0.1:8081' });
 * await bot.init();
 * await handleUpdateSafely(bot, update);
 */
export function createBot(token: string, deps: BotDeps, options: BotOptions = {}): Bot<BotContext> {
  const bot = new Bot<BotContext>(token, {
    ...(options.botInfo && { botInfo: options.botInfo }),
    client: {
      ...(options.apiRoot && { apiRoot: options.apiRoot }),
      fetch: createPooledFetch().fetch as unknown as typeof fetch,
      timeoutSeconds: options.timeoutSeconds ?? 60,
    },
  });
  // Installed first, so it runs inside the throttle: a retry keeps its chat's place in the queue.
  bot.api.config.use(autoRetry({ ...DEFAULT_AUTO_RETRY, ...options.autoRetry }));
  if (options.throttle !== false) bot.api.config.use(selectiveThrottler(apiThrottler(options.throttle ?? {})));

  bot.use((ctx, next) => {
    ctx.deps = deps;
    ctx.typingAfterMs = options.typingAfterMs ?? DEFAULT_TYPING_AFTER_MS;
    ctx.resumed = options.isResumed?.(ctx.update) ?? false;
    ctx.apiRoot = options.apiRoot ?? TELEGRAM_API_ROOT;
    return next();
  });
  // Updates of one chat run one after another (webhooks and the runner both handle updates concurrently).
  bot.use(sequentialize((ctx: BotContext) => (ctx.chat ? String(ctx.chat.id) : undefined)));

  bot.use(startFeature());
  bot.use(expertFeature());
  bot.use(noticesFeature());
  bot.use(feedbackFeature());
  bot.use(ticketButtonsFeature());
  bot.use(questionsFeature());
  bot.use(papersFeature());
  bot.use(unhandledFeature());

  bot.catch(async (error) => {
    const { ctx } = error;
    deps.logger.error({ err: error.error, updateId: ctx.update.update_id }, 'telegram: handling an update failed');
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
    if (ctx.chat) await ctx.api.sendMessage(ctx.chat.id, SORRY).catch(() => undefined);
  });
  return bot;
}

/**
 * `bot.handleUpdate` that never throws for a failing handler: the error goes to the bot's error handler
 * (which logs it and apologises in the chat), as grammY does for its own polling loop.
 */
export async function handleUpdateSafely(bot: Bot<BotContext>, update: Update): Promise<void> {
  await bot.init();
  try {
    await bot.handleUpdate(update);
  } catch (error) {
    if (error instanceof BotError) await bot.errorHandler(error);
    else throw error;
  }
}

function selectiveThrottler(throttle: Transformer): Transformer {
  return (prev, method, payload, signal) => (UNTHROTTLED.has(method) ? prev(method, payload, signal) : throttle(prev, method, payload, signal));
}
