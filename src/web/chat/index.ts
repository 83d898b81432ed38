import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { App } from '../../app.js';
import { vietnameseDate } from '../../assistant/extractive.js';
import type { FeedbackValue } from '../../assistant/question-log.js';
import type { AssistantReply } from '../../assistant/types.js';
import type { ChannelAdapter } from '../../channels/types.js';
import type { OutboundPort } from '../../escalation/outbound-port.js';
import type { Asker } from '../../escalation/types.js';
import type { Logger } from '../../logger.js';
import { safeHref } from '../console/html.js';
import { readCookie, sameSecret, setCookie, type CookieSettings } from '../console/sessions.js';
import { chatPage } from './page.js';
import { WebChatStore, type ChatMessage, type ChatMessageMeta, type ChatSource, type ChatVisitor } from './store.js';

export { WebChatStore } from './store.js';
export type { ChatMessage, ChatVisitor } from './store.js';

/** The channel name of the web chat, as stored on tickets and in the question log. */
export const WEB_CHAT_CHANNEL = 'web';
export const CHAT_COOKIE = 'trolyxa_chat';
const CHAT_COOKIE_MS = 180 * 86_400_000;
const FEEDBACK_VALUES: readonly FeedbackValue[] = ['helpful', 'unhelpful', 'expert'];
const CSRF_REFUSED = 'Yêu cầu bị từ chối vì thiếu mã bảo vệ (CSRF). Hãy tải lại trang rồi thử lại.';

/**
 * The web chat's outbound port: a message the outbox sends to channel 'web' (an expert's relayed answer,
 * a notification to a console-only expert) is stored for its chat, where the page picks it up by polling
 * `/chat/api/messages`. Storing is idempotent per outbox message id.
 *
 * @example
 * const router = new ChannelRouter().register('web', createWebChatPort(app));
 * await app.escalation.processOutbox(router);
 */
export function createWebChatPort(app: App): OutboundPort {
  const store = new WebChatStore(app.db);
  return {
    async send(message) {
      if (message.channel !== WEB_CHAT_CHANNEL) return { ok: false, retryable: false, error: `not a web chat message (channel ${message.channel})` };
      await store.add(
        message.chatId,
        message.kind === 'relay' ? 'expert' : message.kind === 'answer' ? 'assistant' : 'system',
        message.text,
        { kind: message.kind, ...(message.ticketId !== undefined && { ticket: message.ticketId }) },
        message.id,
      );
      return { ok: true };
    },
  };
}

/**
 * The web chat as a channel adapter for `BotServer` (no webhook, nothing to start): register it with the
 * other adapters so the outbox worker relays expert answers to web askers.
 *
 * @example
 * await BotServer.start({ app, logger, host, port, adapters: () => [createWebChatAdapter(app), ...others], mount });
 */
export function createWebChatAdapter(app: App): ChannelAdapter {
  return { name: WEB_CHAT_CHANNEL, port: createWebChatPort(app), start: async () => undefined, stop: async () => undefined };
}

/** Source lines under an answer, like the plain-text "Căn cứ: …" of the other channels. */
export function sourcesOf(reply: AssistantReply): ChatSource[] {
  if (reply.stage !== 'retrieval' && reply.stage !== 'curated') return [];
  const seen = new Set<string>();
  const out: ChatSource[] = [];
  for (const c of reply.citations) {
    if (seen.has(c.citation)) continue;
    seen.add(c.citation);
    const basis = c.legalBasis ? ` (theo ${c.legalBasis})` : '';
    const effective = c.effective ? ` — hiệu lực từ ${vietnameseDate(c.effective)}` : '';
    const url = safeHref(c.sourceUrl);
    out.push({ text: `Căn cứ: ${c.citation}${basis}${effective}`, ...(url && { url }) });
  }
  return out;
}

function replyMeta(reply: AssistantReply): ChatMessageMeta {
  return {
    sources: sourcesOf(reply),
    warnings: reply.warnings,
    stage: reply.stage,
    ...(reply.answerId !== undefined && { answerId: reply.answerId }),
    offerFeedback: reply.offerFeedback,
    ...(reply.ticket !== undefined && { ticket: reply.ticket }),
  };
}

export interface WebChatOptions {
  app: App;
  logger: Logger;
  cookies: CookieSettings;
  /** Put in front of every chat route (e.g. "signed in to the console" when the chat is not public). */
  guard?: RequestHandler;
  /** Whether the page links to the console. */
  consoleLink?: boolean;
  /** Questions per client address and minute. Default 30. */
  questionsPerMinute?: number;
}

/**
 * `/chat`: the page (server-rendered history, works without JavaScript), `POST /chat/ask` and
 * `POST /chat/feedback` for forms, and the JSON API the page's script uses: `POST /chat/api/ask`,
 * `POST /chat/api/feedback`, `GET /chat/api/messages?after=<id>`. The chat id lives in an http-only
 * cookie; every POST must carry the visitor's CSRF token (field `_csrf` or header `X-CSRF-Token`).
 */
export function webChatRouter(options: WebChatOptions): Router {
  const { app, logger } = options;
  const store = new WebChatStore(app.db);
  const router = express.Router();
  if (options.guard) router.use(options.guard);
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));
  router.use(express.json({ limit: '64kb' }));

  const limiter = rateLimit({
    windowMs: 60_000,
    limit: options.questionsPerMinute ?? 30,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json({ error: 'Bạn gửi câu hỏi quá nhanh. Vui lòng chờ một phút rồi hỏi tiếp.' });
    },
  });

  async function visitorOf(req: Request, res: Response, create: boolean): Promise<ChatVisitor | undefined> {
    const known = await store.visitor(readCookie(req, CHAT_COOKIE));
    if (known || !create) return known;
    const visitor = await store.createVisitor();
    setCookie(res, CHAT_COOKIE, visitor.chatId, options.cookies, CHAT_COOKIE_MS);
    return visitor;
  }

  function csrfValid(req: Request, visitor: ChatVisitor): boolean {
    const body = req.body as Record<string, unknown> | undefined;
    const sent = req.get('x-csrf-token') ?? (typeof body?.['_csrf'] === 'string' ? body['_csrf'] : undefined);
    return sameSecret(sent, visitor.csrfToken);
  }

  const text = (req: Request, name: string, max: number): string => {
    const value = (req.body as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value.normalize('NFC').replace(/\r\n?/g, '\n').trim().slice(0, max) : '';
  };

  const askerOf = (visitor: ChatVisitor): Asker => ({
    channel: WEB_CHAT_CHANNEL,
    chatId: visitor.chatId,
    userId: visitor.chatId,
    displayName: visitor.displayName ?? 'Khách (trang web)',
    ...(visitor.commune && { commune: visitor.commune }),
  });

  async function ask(req: Request, visitor: ChatVisitor): Promise<ChatMessage[]> {
    const question = text(req, 'text', 4000);
    const displayName = text(req, 'name', 100);
    const commune = text(req, 'commune', 100);
    if (displayName !== (visitor.displayName ?? '') || commune !== (visitor.commune ?? '')) {
      await store.updateVisitor(visitor.chatId, { displayName, commune });
      visitor = { ...visitor, displayName: displayName || undefined, commune: commune || undefined };
    }
    const out: ChatMessage[] = [];
    if (!question) return out;
    const mine = await store.add(visitor.chatId, 'user', question);
    if (mine) out.push(mine);
    let reply: AssistantReply;
    try {
      reply = await app.assistant.handle({ asker: askerOf(visitor), text: question });
    } catch (error) {
      logger.error({ err: error }, 'web chat: the assistant failed');
      const failed = await store.add(visitor.chatId, 'system', 'Xin lỗi, hệ thống đang gặp sự cố nên chưa trả lời được. Vui lòng thử lại sau ít phút.');
      if (failed) out.push(failed);
      return out;
    }
    const answer = await store.add(visitor.chatId, 'assistant', reply.body, replyMeta(reply));
    if (answer) out.push(answer);
    return out;
  }

  async function feedback(req: Request, visitor: ChatVisitor): Promise<ChatMessage | undefined | 'invalid'> {
    const body = req.body as Record<string, unknown>;
    const answerId = Number(body['answerId']);
    const value = body['value'] as FeedbackValue;
    if (!Number.isInteger(answerId) || answerId <= 0 || !FEEDBACK_VALUES.includes(value)) return 'invalid';
    const entry = await app.log.get(answerId);
    // Only the chat that received an answer may rate it (and so escalate it).
    if (!entry || entry.asker.channel !== WEB_CHAT_CHANNEL || entry.asker.chatId !== visitor.chatId) return 'invalid';
    const reply = await app.assistant.feedback(answerId, value, askerOf(visitor));
    return store.add(visitor.chatId, 'system', reply.body, { ...(reply.ticket !== undefined && { ticket: reply.ticket }), stage: reply.stage });
  }

  router.get('/', async (req, res) => {
    const visitor = (await visitorOf(req, res, true))!;
    res
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(chatPage({ visitor, messages: await store.list(visitor.chatId), consoleLink: options.consoleLink ?? false }));
  });

  router.post('/ask', limiter, async (req, res) => {
    const visitor = await visitorOf(req, res, false);
    if (!visitor || !csrfValid(req, visitor)) {
      res.status(403).type('text/plain').send(CSRF_REFUSED);
      return;
    }
    await ask(req, visitor);
    res.redirect(303, '/chat#ask');
  });

  router.post('/feedback', async (req, res) => {
    const visitor = await visitorOf(req, res, false);
    if (!visitor || !csrfValid(req, visitor)) {
      res.status(403).type('text/plain').send(CSRF_REFUSED);
      return;
    }
    await feedback(req, visitor);
    res.redirect(303, '/chat#ask');
  });

  router.post('/api/ask', limiter, async (req, res) => {
    const visitor = await visitorOf(req, res, false);
    if (!visitor || !csrfValid(req, visitor)) {
      res.status(403).json({ error: CSRF_REFUSED });
      return;
    }
    res.json({ messages: await ask(req, visitor) });
  });

  router.post('/api/feedback', async (req, res) => {
    const visitor = await visitorOf(req, res, false);
    if (!visitor || !csrfValid(req, visitor)) {
      res.status(403).json({ error: CSRF_REFUSED });
      return;
    }
    const message = await feedback(req, visitor);
    if (message === 'invalid') {
      res.status(400).json({ error: 'Không ghi nhận được góp ý cho câu trả lời này.' });
      return;
    }
    res.json({ messages: message ? [message] : [] });
  });

  router.get('/api/messages', async (req, res) => {
    const visitor = await visitorOf(req, res, false);
    if (!visitor) {
      res.status(401).json({ error: 'Phiên trò chuyện đã hết hạn. Hãy tải lại trang.' });
      return;
    }
    const after = Number(req.query['after']);
    res.set('Cache-Control', 'no-store').json({ messages: await store.list(visitor.chatId, Number.isInteger(after) && after > 0 ? after : 0) });
  });

  return router;
}
