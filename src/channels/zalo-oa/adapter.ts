import type { AppConfig } from '../../config.js';
import type { SendResult } from '../../escalation/outbound-port.js';
import type { Asker, OutboundDocument } from '../../escalation/types.js';
import type { ChannelStateStore } from '../../storage/channel-state.js';
import { sourceKeyOf } from '../../storage/update-inbox.js';
import { UpdateIntake } from '../intake.js';
import { ChunkedSender } from '../text-split.js';
import type { ChannelAdapter, ChannelDeps } from '../types.js';
import { ZALO_TEXT_LIMIT, ZaloConversation } from '../zalo-bot/conversation.js';
import { TOKEN_ERRORS, ZaloOaApi, type OaCallResult } from './api.js';
import { zaloFilePolicy } from '../chat-files/zalo-hosts.js';
import { attachedFileOf, DEFAULT_EVENT_MAX_AGE_MS, DEFAULT_EVENT_MAX_SKEW_MS, senderAndEvent, type OaEvent } from './event.js';
import { OaTokenError, OaTokens } from './tokens.js';
import { createZaloOaWebhook } from './webhook.js';

export const ZALO_OA_CHANNEL = 'zalo-oa';

export interface ZaloOaAdapterOptions {
  /** Replaces the global fetch (tests, proxies). */
  fetch?: typeof fetch;
  /** Waits before retrying a direct answer that failed retryably. Default [1000, 3000]. */
  replyRetryDelaysMs?: readonly number[];
  /** Text limit per message. Default 2000. */
  maxMessageChars?: number;
  /** How long "1"/"2"/"3" refers to the chat's last answer. Default 30 minutes. */
  feedbackTtlMs?: number;
  /** The clock for token expiry and for the events' freshness window. */
  now?: () => number;
}

/**
 * The Zalo Official Account channel (OA API v3). Its router takes the OA webhook (see webhook.ts): every
 * event must carry a valid `X-ZEvent-Signature` over the raw body (401 otherwise, nothing parsed or
 * processed), name ZALO_OA_APP_ID and be dated within the freshness window; `user_send_text` is answered
 * through the consultation message endpoint (de-duplicated by msg_id, or by a digest of the signed bytes
 * without one); any other event from a user only makes their pending relays due again. The access token
 * and its single-use refresh token live in the channel state store and are rotated on error -216.
 *
 * A relay refused because the user is outside the window in which an OA may answer fails as
 * non-retryable: the ticket becomes relay_pending and goes out at the user's next message.
 *
 * The webhook URL is set in the Zalo developer console (there is no API to register it), so `start()` only
 * loads the tokens.
 *
 * @example
 * const adapter = createZaloOaAdapter(config.zaloOa!, { ...deps, state: app.repos.channelState });
 * const http = createHttpApp({ adapters: [adapter], logger }); // POST /webhooks/zalo-oa
 */
export function createZaloOaAdapter(
  config: NonNullable<AppConfig['zaloOa']>,
  deps: ChannelDeps & { state: ChannelStateStore },
  options: ZaloOaAdapterOptions = {},
): ChannelAdapter {
  const logger = deps.logger.child({ channel: ZALO_OA_CHANNEL });
  const api = new ZaloOaApi({
    appId: config.appId,
    appSecret: config.appSecret,
    apiRoot: config.apiRoot,
    oauthRoot: config.oauthRoot,
    fetch: options.fetch,
  });
  const tokens = new OaTokens(ZALO_OA_CHANNEL, api, deps.state, config, { now: options.now, logger });
  const conversation = new ZaloConversation({ ...deps, logger }, { feedbackTtlMs: options.feedbackTtlMs });
  const sender = new ChunkedSender(sendPiece, {
    limit: options.maxMessageChars ?? ZALO_TEXT_LIMIT,
    replyRetryDelaysMs: options.replyRetryDelaysMs,
  });

  /** Sends one consultation message. */
  function sendPiece(userId: string, text: string): Promise<SendResult> {
    return withToken((token) => api.sendText(token, userId, text));
  }

  /** A file: uploaded, then sent as a file message (the caption is not sent: each message spends quota). */
  function sendDocument(userId: string, document: OutboundDocument): Promise<SendResult> {
    return withToken(async (token) => {
      const uploaded = await api.uploadFile(token, document);
      return uploaded.ok ? api.sendFile(token, userId, uploaded.value.token) : uploaded;
    });
  }

  /** Runs calls with the access token; on a token error refreshes it once and tries again. */
  async function withToken(call: (token: string) => Promise<OaCallResult<unknown>>): Promise<SendResult> {
    try {
      let token = await tokens.accessToken();
      let result = await call(token);
      if (!result.ok && result.error !== undefined && TOKEN_ERRORS.has(result.error)) {
        token = await tokens.refresh(token);
        result = await call(token);
      }
      return toSendResult(result);
    } catch (error) {
      if (error instanceof OaTokenError) return { ok: false, retryable: error.retryable, error: error.message };
      return { ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) };
    }
  }

  const filePolicy = zaloFilePolicy(config.apiRoot);

  /** Sends what the conversation answered to an event; an answer Zalo could not take now goes to the outbox. */
  async function send(asker: Asker, reply: string, eventId: string): Promise<void> {
    const result = await sender.reply(asker.chatId, reply);
    if (result.ok) return;
    if (!result.retryable) {
      logger.error({ userId: asker.chatId, error: result.error }, 'could not send the answer');
      return;
    }
    logger.warn({ userId: asker.chatId, error: result.error }, 'answer not sent; queued in the outbox');
    await deps.escalation.queueAnswer({ channel: ZALO_OA_CHANNEL, chatId: asker.chatId, text: reply, key: sourceKeyOf(ZALO_OA_CHANNEL, eventId) });
  }

  /** What an accepted event leads to (also run again for events a crash interrupted). */
  async function handleEvent(body: OaEvent, eventId: string, resumed: boolean): Promise<void> {
    const { userId, eventName } = senderAndEvent(body);
    if (!userId) return;
    const asker: Asker = { channel: ZALO_OA_CHANNEL, chatId: userId, userId };
    const source = { sourceKey: sourceKeyOf(ZALO_OA_CHANNEL, eventId), resumed };
    const caption = typeof body.message?.text === 'string' ? body.message.text : '';
    const file = deps.papers ? attachedFileOf(body) : undefined;
    if (eventName === 'user_send_text' && caption.trim()) {
      await send(asker, await conversation.reply(asker, caption, source), eventId);
    } else if (file) {
      await send(asker, await conversation.paper(asker, deps.papers, { kind: 'url', policy: filePolicy, ...file }, caption, source), eventId);
    } else if (eventName.startsWith('user_send_')) {
      // A sticker, image…: not answered (each OA message spends quota), but the user is reachable again.
      await conversation.userWrote({ channel: ZALO_OA_CHANNEL, chatId: userId });
    }
  }

  const intake = new UpdateIntake<OaEvent>(ZALO_OA_CHANNEL, { ...deps, logger }, handleEvent);

  const router = createZaloOaWebhook(
    {
      appId: config.appId,
      secretKey: config.secretKey,
      window: { maxAgeMs: config.eventMaxAgeMs ?? DEFAULT_EVENT_MAX_AGE_MS, maxSkewMs: config.eventMaxSkewMs ?? DEFAULT_EVENT_MAX_SKEW_MS },
      now: options.now ?? Date.now,
    },
    logger,
    (event, eventId) => intake.take(eventId, event),
  );

  return {
    name: ZALO_OA_CHANNEL,
    router,
    port: { send: (message) => (message.document ? sendDocument(message.chatId, message.document) : sender.send(message.chatId, message.text, message.id)) },
    async start() {
      const stored = await tokens.read();
      if (!stored.accessToken && !stored.refreshToken) throw new Error('Zalo OA has no access or refresh token (ZALO_OA_ACCESS_TOKEN / ZALO_OA_REFRESH_TOKEN)');
      await intake.replayUnfinished((payload) => (typeof payload === 'object' && payload !== null ? (payload as OaEvent) : undefined));
      logger.info({ refreshable: Boolean(stored.refreshToken && config.appSecret) }, 'Zalo OA ready');
    },
    async stop() {},
  };
}

function toSendResult(result: OaCallResult<unknown>): SendResult {
  if (result.ok) return { ok: true };
  return { ok: false, retryable: result.retryable, error: result.message, ...(result.retryAfterMs !== undefined && { retryAfterMs: result.retryAfterMs }) };
}
