import { createHash } from 'node:crypto';
import type { Router } from 'express';
import type { AppConfig } from '../../config.js';
import type { SendResult } from '../../escalation/outbound-port.js';
import { documentLinkText } from '../../forms/form-texts.js';
import { sourceKeyOf } from '../../storage/update-inbox.js';
import { zaloFilePolicy } from '../chat-files/zalo-hosts.js';
import { UpdateIntake, type IntakeOutcome } from '../intake.js';
import { ChunkedSender } from '../text-split.js';
import type { ChannelAdapter, ChannelDeps } from '../types.js';
import { ZaloBotApi, ZaloBotApiError, type ZaloBotUpdate } from './api.js';
import { ZALO_TEXT_LIMIT, ZaloConversation } from './conversation.js';
import { classifyUpdate, unwrapUpdate, updateProblem } from './update.js';
import { createZaloBotWebhook } from './webhook.js';

export const ZALO_BOT_CHANNEL = 'zalo-bot';

export interface ZaloBotAdapterOptions {
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
  /** Polling: getUpdates' long-poll time in seconds. Default 30. */
  pollTimeoutSeconds?: number;
  /** Polling: wait after the n-th consecutive getUpdates failure. Default 1 s doubling, at most 30 s. */
  pollBackoffMs?: (failures: number) => number;
  /** Waits before retrying a direct answer that failed retryably. Default [1000, 3000]. */
  replyRetryDelaysMs?: readonly number[];
  /** Text limit per message. Default 2000 (Zalo's). */
  maxMessageChars?: number;
  /** How long "1"/"2"/"3" refers to the chat's last answer. Default 30 minutes. */
  feedbackTtlMs?: number;
}

/**
 * The Zalo Bot Platform channel (the Telegram-like "Zalo Bot"): a webhook checked with the
 * `X-Bot-Api-Secret-Token` header, or a getUpdates polling loop; answers as plain text split at 2000
 * characters; feedback by replying 1/2/3; experts answer with /traloi. Its `port` delivers relays and
 * notifications with sendMessage.
 *
 * In webhook mode mount `router` at /webhooks/zalo-bot (createHttpApp does) and call `start()`, which
 * registers `config.webhookUrl` with the secret. In polling mode `start()` deletes any webhook (Zalo stops
 * delivering to getUpdates while one is set) and polls until `stop()`.
 *
 * @example
 * const adapter = createZaloBotAdapter(config.zaloBot!, deps);
 * const app = createHttpApp({ adapters: [adapter], logger });
 * await adapter.start();
 */
export function createZaloBotAdapter(
  config: NonNullable<AppConfig['zaloBot']>,
  deps: ChannelDeps,
  options: ZaloBotAdapterOptions = {},
): ChannelAdapter {
  const logger = deps.logger.child({ channel: ZALO_BOT_CHANNEL });
  const api = new ZaloBotApi({ token: config.token, apiRoot: config.apiRoot, fetch: options.fetch });
  const conversation = new ZaloConversation({ ...deps, logger }, { feedbackTtlMs: options.feedbackTtlMs });
  const sender = new ChunkedSender(sendPiece, {
    limit: options.maxMessageChars ?? ZALO_TEXT_LIMIT,
    replyRetryDelaysMs: options.replyRetryDelaysMs,
  });
  const filePolicy = zaloFilePolicy(config.apiRoot);
  const pollTimeoutSeconds = options.pollTimeoutSeconds ?? 30;
  const pollBackoffMs = options.pollBackoffMs ?? ((n: number) => Math.min(30_000, 1000 * 2 ** (n - 1)));
  const webhookSecret = config.webhookSecret;
  if (config.mode === 'webhook' && !webhookSecret) throw new Error('Zalo Bot webhook mode needs a webhook secret (ZALO_BOT_WEBHOOK_SECRET)');

  async function sendPiece(chatId: string, text: string): Promise<SendResult> {
    try {
      await api.sendMessage(chatId, text);
      return { ok: true };
    } catch (error) {
      if (error instanceof ZaloBotApiError) return error.toSendResult();
      return { ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) };
    }
  }

  async function handleUpdate(update: ZaloBotUpdate, updateId: string, resumed: boolean): Promise<void> {
    const inbound = classifyUpdate(update, ZALO_BOT_CHANNEL);
    if (inbound.kind === 'ignore') {
      logger.debug({ why: inbound.why }, 'update ignored');
      return;
    }
    const source = { sourceKey: sourceKeyOf(ZALO_BOT_CHANNEL, updateId), resumed };
    const text =
      inbound.kind === 'text'
        ? await conversation.reply(inbound.asker, inbound.text, source)
        : inbound.kind === 'photo'
          ? await conversation.paper(inbound.asker, deps.papers, { kind: 'url', url: inbound.url, policy: filePolicy }, inbound.caption, source)
          : await conversation.nonText(inbound.asker);
    const result = await sender.reply(inbound.asker.chatId, text);
    if (result.ok) return;
    if (!result.retryable) {
      logger.error({ chatId: inbound.asker.chatId, error: result.error }, 'could not send the answer');
      return;
    }
    // Zalo unreachable for now: the outbox keeps the answer and retries it with backoff.
    logger.warn({ chatId: inbound.asker.chatId, error: result.error }, 'answer not sent; queued in the outbox');
    await deps.escalation.queueAnswer({ channel: ZALO_BOT_CHANNEL, chatId: inbound.asker.chatId, text, key: sourceKeyOf(ZALO_BOT_CHANNEL, updateId) });
  }

  const intake = new UpdateIntake<ZaloBotUpdate>(ZALO_BOT_CHANNEL, { ...deps, logger }, handleUpdate);

  /**
   * Stores the update and hands it to background work (see UpdateIntake); throws when it cannot be
   * stored. An event without a message id is keyed by `fallbackId` (a digest of its bytes).
   */
  function accept(update: ZaloBotUpdate, fallbackId: string): Promise<IntakeOutcome> {
    const inbound = classifyUpdate(update, ZALO_BOT_CHANNEL);
    const updateId = (inbound.kind !== 'ignore' && inbound.messageId) || fallbackId;
    return intake.take(updateId, update);
  }

  const router: Router | undefined = config.mode === 'webhook' ? createZaloBotWebhook(webhookSecret!, logger, accept) : undefined;

  let polling: { controller: AbortController; loop: Promise<void> } | undefined;

  async function pollLoop(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const result = await api.getUpdates(pollTimeoutSeconds, signal);
        failures = 0;
        for (const update of Array.isArray(result) ? result : [result]) {
          const body = unwrapUpdate(update);
          if (!body) continue;
          const problem = updateProblem(body);
          if (problem) {
            logger.warn({ reason: problem }, 'getUpdates: update skipped as malformed');
            continue;
          }
          if ((await accept(body, `noid:${digestOf(body)}`)) === 'closed') return;
        }
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof ZaloBotApiError && error.errorCode === 408) continue; // nothing new: poll again
        failures += 1;
        const waitMs = pollBackoffMs(failures);
        logger.warn({ err: error, failures, waitMs }, 'getUpdates failed; retrying');
        await sleep(waitMs, signal);
      }
    }
  }

  return {
    name: ZALO_BOT_CHANNEL,
    router,
    polling: config.mode === 'polling',
    // Zalo Bot has no method for files: a form goes as its download link.
    port: { send: (message) => sender.send(message.chatId, message.document ? documentLinkText(message.text, message.document, true) : message.text, message.id) },

    async start() {
      const me = await api.getMe();
      logger.info({ bot: me.account_name ?? me.id, mode: config.mode }, 'Zalo Bot connected');
      await intake.replayUnfinished((payload) => {
        const update = unwrapUpdate(payload);
        return update && !updateProblem(update) ? update : undefined;
      });
      if (config.mode === 'webhook') {
        if (!config.webhookUrl) throw new Error('Zalo Bot webhook mode needs a webhook URL (ZALO_BOT_WEBHOOK_URL)');
        await api.setWebhook(config.webhookUrl, webhookSecret!);
        return;
      }
      if (polling) return;
      await api.deleteWebhook();
      const controller = new AbortController();
      polling = { controller, loop: pollLoop(controller.signal) };
    },

    async stop() {
      if (!polling) return;
      const { controller, loop } = polling;
      polling = undefined;
      controller.abort();
      await loop;
    },
  };
}

function digestOf(update: ZaloBotUpdate): string {
  return createHash('sha256').update(JSON.stringify(update)).digest('hex');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
