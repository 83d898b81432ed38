import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import multer from 'multer';
import { rateLimit } from 'express-rate-limit';
import type { Assistant } from '../../assistant/assistant.js';
import { vietnameseDate } from '../../assistant/extractive.js';
import type { FeedbackValue, QuestionLogStore } from '../../assistant/question-log.js';
import type { AssistantReply } from '../../assistant/types.js';
import type { ChannelAdapter } from '../../channels/types.js';
import { tooLargeText } from '../../channels/chat-files/refusals.js';
import type { ChatPaperAnswerer, ChatPaperServices } from '../../channels/chat-files/paper-answerer.js';
import type { OutboundPort } from '../../escalation/outbound-port.js';
import type { UserStore } from '../../escalation/stores.js';
import type { Asker } from '../../escalation/types.js';
import { documentLinkText, formOfferText } from '../../forms/form-texts.js';
import type { Logger } from '../../logger.js';
import { setNoticesOff } from '../../notices/opt-out.js';
import type { Repositories } from '../../storage/repositories.js';
import { AnonymousCsrf } from '../anonymous-csrf.js';
import { DEFAULT_PAGE_LIMIT, LIMITER_BASE, pageLimiter, type RateWindow } from '../rate-limits.js';
import { clearCookie, readCookie, sameSecret, setCookie, type CookieSettings } from '../shared/cookies.js';
import { safeHref } from '../shared/html.js';
import { chatPage } from './page.js';
import { WebChatStore, type ChatMessage, type ChatMessageMeta, type ChatSource, type ChatVisitor } from './store.js';

export { WebChatStore } from './store.js';
export type { ChatMessage, ChatVisitor } from './store.js';

/** The channel name of the web chat, as stored on tickets and in the question log. */
export const WEB_CHAT_CHANNEL = 'web';
export const CHAT_COOKIE = 'trolyxa_chat';
const CHAT_COOKIE_MS = 180 * 86_400_000;
/** A returning visitor's last visit is written (and its cookie renewed) at most this often. */
const TOUCH_EVERY_MS = 3_600_000;
const FEEDBACK_VALUES: readonly FeedbackValue[] = ['helpful', 'unhelpful', 'expert'];
const CSRF_REFUSED = 'Yêu cầu bị từ chối vì thiếu mã bảo vệ (CSRF). Hãy tải lại trang rồi thử lại.';

/**
 * The services the web chat uses (the App provides them): its store's database, the assistant, the question
 * log (feedback), and the users (a registered official turns the province's notices off or on here).
 */
export interface WebChatServices extends ChatPaperServices {
  repos: Pick<Repositories, 'webChat' | 'channelState'>;
  assistant: Pick<Assistant, 'handle' | 'feedback'>;
  log: Pick<QuestionLogStore, 'get'>;
  stores: { users: Pick<UserStore, 'findByChannelUser' | 'update'> };
}

/**
 * The web chat's outbound port: a message the outbox sends to channel 'web' (an expert's relayed answer,
 * a notification to a console-only expert) is stored for its chat, where the page picks it up by polling
 * `/chat/api/messages`. Storing is idempotent per outbox message id.
 *
 * @example
 * const router = new ChannelRouter().register('web', createWebChatPort(app));
 * await app.escalation.processOutbox(router);
 */
export function createWebChatPort(app: Pick<WebChatServices, 'repos'>): OutboundPort {
  const store = new WebChatStore(app.repos.webChat);
  return {
    async send(message) {
      if (message.channel !== WEB_CHAT_CHANNEL) return { ok: false, retryable: false, error: `not a web chat message (channel ${message.channel})` };
      const { document } = message;
      await store.add(
        message.chatId,
        message.kind === 'relay' ? 'expert' : message.kind === 'answer' ? 'assistant' : 'system',
        document ? documentLinkText(message.text, document, false) : message.text,
        {
          kind: message.kind,
          ...(message.ticketId !== undefined && { ticket: message.ticketId }),
          ...(document && { download: { url: document.downloadUrl, fileName: document.fileName } }),
        },
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
export function createWebChatAdapter(app: Pick<WebChatServices, 'repos'>): ChannelAdapter {
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
  app: WebChatServices;
  logger: Logger;
  cookies: CookieSettings;
  /** Put in front of every chat route (e.g. "signed in to the console" when the chat is not public). */
  guard?: RequestHandler;
  /** Whether the page links to the console. */
  consoleLink?: boolean;
  /** Questions per client address and minute. Default 30. */
  questionsPerMinute?: number;
  /** Views of the chat page per client address. Default 60 per minute. */
  pageLimit?: RateWindow;
  /** CSRF tokens for a page shown before the visitor exists (default: signed with the database's key). */
  csrf?: AnonymousCsrf;
  /** The clock (tests). */
  now?: () => Date;
  /** Answers a photo or PDF sent with a question (none: the page offers no upload). */
  papers?: ChatPaperAnswerer;
  /** The largest file taken (CHAT_FILE_MAX_MB). Default 10 MB. */
  maxFileBytes?: number;
}

/** A file the visitor sent, held in memory only while it is answered. */
interface SentFile {
  bytes: Uint8Array;
  fileName: string;
}

/**
 * `/chat`: the page (server-rendered history, works without JavaScript), `POST /chat/ask`,
 * `POST /chat/feedback` and `POST /chat/notices` (a registered official's switch for the province's notices) for forms, and the JSON API the page's script uses: `POST /chat/api/ask`,
 * `POST /chat/api/feedback`, `GET /chat/api/messages?after=<id>`. The chat id lives in an http-only
 * cookie; every POST must carry the visitor's CSRF token (field `_csrf` or header `X-CSRF-Token`).
 * Viewing the page stores nothing: a visitor (row and cookie) is made when its first question is sent; until
 * then the page's CSRF token is a signed double-submit token. Page views are rate-limited per client.
 */
export function webChatRouter(options: WebChatOptions): Router {
  const { app, logger } = options;
  const now = options.now ?? (() => new Date());
  const store = new WebChatStore(app.repos.webChat, now);
  const csrf = options.csrf ?? AnonymousCsrf.fromState(app.repos.channelState, options.cookies);
  const router = express.Router();
  if (options.guard) router.use(options.guard);
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));
  router.use(express.json({ limit: '64kb' }));

  const limiter = rateLimit({
    ...LIMITER_BASE,
    windowMs: 60_000,
    limit: options.questionsPerMinute ?? 30,
    identifier: 'questions',
    handler: (_req, res) => {
      res.status(429).json({ error: 'Bạn gửi câu hỏi quá nhanh. Vui lòng chờ một phút rồi hỏi tiếp.' });
    },
  });
  const pages = pageLimiter(options.pageLimit ?? DEFAULT_PAGE_LIMIT, (_req, res) => {
    res.status(429).type('text/plain').send('Bạn mở trang hỏi đáp quá nhiều lần. Vui lòng chờ một phút rồi tải lại.');
  });

  const visitorOf = (req: Request): Promise<ChatVisitor | undefined> => store.visitor(readCookie(req, CHAT_COOKIE));

  function csrfSent(req: Request): string | undefined {
    const body = req.body as Record<string, unknown> | undefined;
    return req.get('x-csrf-token') ?? (typeof body?.['_csrf'] === 'string' ? body['_csrf'] : undefined);
  }

  /**
   * Who may post: the cookie's visitor with its token, or — before the first question — anyone holding the
   * signed token of their nonce cookie (`visitor` undefined then). Undefined: refused (CSRF).
   */
  async function authorize(req: Request): Promise<{ visitor?: ChatVisitor; token: string } | undefined> {
    const sent = csrfSent(req);
    if (sent === undefined) return undefined;
    const visitor = await visitorOf(req);
    if (visitor && sameSecret(sent, visitor.csrfToken)) return { visitor, token: sent };
    return (await csrf.verify(req, 'chat', sent)) ? { ...(visitor && { visitor }), token: sent } : undefined;
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

  /**
   * Asks a question, or sends a paper (`file`) with one; the visitor is made here, with the first question
   * (an empty one without a file makes nothing).
   */
  async function ask(req: Request, res: Response, allowed: { visitor?: ChatVisitor; token: string }, file?: SentFile): Promise<ChatMessage[]> {
    const question = text(req, 'text', 4000);
    const asksSomething = Boolean(question) || file !== undefined;
    const displayName = text(req, 'name', 100);
    const commune = text(req, 'commune', 100);
    const out: ChatMessage[] = [];
    if (!allowed.visitor && !asksSomething) return out;
    let visitor = allowed.visitor;
    if (!visitor) {
      visitor = await store.createVisitor(allowed.token);
      setCookie(res, CHAT_COOKIE, visitor.chatId, options.cookies, CHAT_COOKIE_MS);
    }
    if (displayName !== (visitor.displayName ?? '') || commune !== (visitor.commune ?? '')) {
      await store.updateVisitor(visitor.chatId, { displayName, commune });
      visitor = { ...visitor, displayName: displayName || undefined, commune: commune || undefined };
    } else if (asksSomething) {
      await store.touch(visitor.chatId);
    }
    if (!asksSomething) return out;
    const mine = await store.add(visitor.chatId, 'user', file ? [`📎 ${file.fileName}`, question].filter(Boolean).join('\n') : question);
    if (mine) out.push(mine);
    let reply: AssistantReply;
    try {
      const asker = askerOf(visitor);
      reply =
        file && options.papers
          ? await options.papers.answer({ asker, question, file: { kind: 'bytes', bytes: file.bytes, fileName: file.fileName } })
          : await app.assistant.handle({ asker, text: question });
    } catch (error) {
      logger.error({ err: error }, 'web chat: the assistant failed');
      const failed = await store.add(visitor.chatId, 'system', 'Xin lỗi, hệ thống đang gặp sự cố nên chưa trả lời được. Vui lòng thử lại sau ít phút.');
      if (failed) out.push(failed);
      return out;
    }
    const body = reply.forms?.length ? `${reply.body}\n\n${formOfferText(reply.forms)}` : reply.body;
    const answer = await store.add(visitor.chatId, 'assistant', body, replyMeta(reply));
    if (answer) out.push(answer);
    return out;
  }

  async function feedback(req: Request, visitor: ChatVisitor | undefined): Promise<ChatMessage | undefined | 'invalid'> {
    // A visitor that does not exist yet has received no answer to rate.
    if (!visitor) return 'invalid';
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

  router.get('/', pages, async (req, res) => {
    let visitor = await visitorOf(req);
    if (visitor && now().getTime() - Date.parse(visitor.lastSeenAt ?? '') > TOUCH_EVERY_MS) {
      await store.touch(visitor.chatId);
      setCookie(res, CHAT_COOKIE, visitor.chatId, options.cookies, CHAT_COOKIE_MS);
    }
    // A cookie of a visitor since pruned goes; the page is then that of a new visitor.
    if (!visitor && readCookie(req, CHAT_COOKIE) !== undefined) clearCookie(res, CHAT_COOKIE, options.cookies);
    // Before the first question: no visitor, only a signed token for the page's forms.
    visitor ??= { chatId: '', csrfToken: await csrf.issue(req, res, 'chat') };
    const user = visitor.chatId ? await app.stores.users.findByChannelUser(WEB_CHAT_CHANNEL, visitor.chatId) : undefined;
    res
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(
        chatPage({
          visitor,
          messages: visitor.chatId ? await store.list(visitor.chatId) : [],
          consoleLink: options.consoleLink ?? false,
          ...(user && { notices: user.noticesOff ? 'off' : 'on' }),
          ...(options.papers && { fileUpload: { maxBytes: maxFileBytes } }),
        }),
      );
  });

  // A registered official (a web user whose account is this chat) turns the province's notices off or on.
  router.post('/notices', async (req, res) => {
    const allowed = await authorize(req);
    if (!allowed) {
      res.status(403).type('text/plain').send(CSRF_REFUSED);
      return;
    }
    if (allowed.visitor) {
      const off = text(req, 'off', 10) === 'on';
      await setNoticesOff(app.stores.users, { channel: WEB_CHAT_CHANNEL, userId: allowed.visitor.chatId }, off, now().toISOString());
    }
    res.redirect(303, '/chat#notices');
  });

  router.post('/ask', limiter, async (req, res) => {
    const allowed = await authorize(req);
    if (!allowed) {
      res.status(403).type('text/plain').send(CSRF_REFUSED);
      return;
    }
    await ask(req, res, allowed);
    res.redirect(303, '/chat#ask');
  });

  // A photo or PDF with its question: the form (redirects) and the page script (JSON). The file is taken in
  // memory within the size limit (multer stops reading past it); the CSRF token is checked as for questions.
  const maxFileBytes = options.maxFileBytes ?? 10 * 1024 * 1024;
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxFileBytes, files: 1, fields: 10, fieldSize: 64 * 1024, parts: 12 },
    defParamCharset: 'utf8',
  }).single('file');
  const takeFile = (json: boolean): RequestHandler => (req, res, next: NextFunction) => {
    if (!options.papers) {
      res.status(404).json({ error: 'Trang hỏi đáp này chưa nhận ảnh và tệp.' });
      return;
    }
    upload(req, res, (error: unknown) => {
      if (!error) return next();
      const tooLarge = error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE';
      const message = tooLarge ? tooLargeText(maxFileBytes) : 'Không nhận được tệp gửi lên. Bạn gửi lại một ảnh hoặc một tệp PDF nhé.';
      const status = tooLarge ? 413 : 400;
      if (json) res.status(status).json({ error: message });
      else res.status(status).type('text/plain').send(message);
    });
  };
  const sentFile = (req: Request): SentFile | undefined =>
    req.file ? { bytes: new Uint8Array(req.file.buffer), fileName: req.file.originalname.normalize('NFC').slice(0, 120) || 'giay-to' } : undefined;

  router.post('/ask-file', limiter, takeFile(false), async (req, res) => {
    const allowed = await authorize(req);
    if (!allowed) {
      res.status(403).type('text/plain').send(CSRF_REFUSED);
      return;
    }
    await ask(req, res, allowed, sentFile(req));
    res.redirect(303, '/chat#ask');
  });

  router.post('/api/ask-file', limiter, takeFile(true), async (req, res) => {
    const allowed = await authorize(req);
    if (!allowed) {
      res.status(403).json({ error: CSRF_REFUSED });
      return;
    }
    res.json({ messages: await ask(req, res, allowed, sentFile(req)) });
  });

  router.post('/feedback', async (req, res) => {
    const allowed = await authorize(req);
    if (!allowed) {
      res.status(403).type('text/plain').send(CSRF_REFUSED);
      return;
    }
    await feedback(req, allowed.visitor);
    res.redirect(303, '/chat#ask');
  });

  router.post('/api/ask', limiter, async (req, res) => {
    const allowed = await authorize(req);
    if (!allowed) {
      res.status(403).json({ error: CSRF_REFUSED });
      return;
    }
    res.json({ messages: await ask(req, res, allowed) });
  });

  router.post('/api/feedback', async (req, res) => {
    const allowed = await authorize(req);
    if (!allowed) {
      res.status(403).json({ error: CSRF_REFUSED });
      return;
    }
    const message = await feedback(req, allowed.visitor);
    if (message === 'invalid') {
      res.status(400).json({ error: 'Không ghi nhận được góp ý cho câu trả lời này.' });
      return;
    }
    res.json({ messages: message ? [message] : [] });
  });

  router.get('/api/messages', async (req, res) => {
    const cookie = readCookie(req, CHAT_COOKIE);
    // A page shown before the first question polls too: nothing to send yet.
    if (cookie === undefined) {
      res.set('Cache-Control', 'no-store').json({ messages: [] });
      return;
    }
    const visitor = await visitorOf(req);
    if (!visitor) {
      res.status(401).json({ error: 'Phiên trò chuyện đã hết hạn. Hãy tải lại trang.' });
      return;
    }
    const after = Number(req.query['after']);
    res.set('Cache-Control', 'no-store').json({ messages: await store.list(visitor.chatId, Number.isInteger(after) && after > 0 ? after : 0) });
  });

  return router;
}
