import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { EmulatedFiles, type ServedFile } from './emulated-files.js';

/*
 * A loopback Zalo Bot Platform API for tests: `/bot<TOKEN>/<method>` over POST (JSON) or GET (query),
 * answering `{ ok: true, result }` or `{ ok: false, error_code, description }` like the real one
 * (docs/shared/channels.md §1). It implements getMe, setWebhook, deleteWebhook, getWebhookInfo,
 * getUpdates (one update per call, 408 after the long-poll timeout, 409 for a replaced poll),
 * sendMessage (1–2000 characters) and sendChatAction, records every call and what was sent, can fail the
 * next calls of a method with a given HTTP status, and can deliver updates to the registered webhook.
 */

export interface ZaloBotCall {
  method: string;
  body: Record<string, unknown>;
}

export interface ZaloBotSent {
  chatId: string;
  text: string;
  messageId: string;
}

type Planned = 'ok' | number;

interface PendingPoll {
  res: Response;
  timer: NodeJS.Timeout;
}

export const ZALO_BOT_TEST_TOKEN = '777000111:emulated-secret-token-abc';

export class ZaloBotEmulator {
  readonly calls: ZaloBotCall[] = [];
  readonly sent: ZaloBotSent[] = [];
  webhook?: { url: string; secretToken: string };
  apiRoot = '';
  private server?: Server;
  private readonly queue: unknown[] = [];
  private poll?: PendingPoll;
  private readonly plans = new Map<string, Planned[]>();
  private messageSeq = 0;

  /** Photos users send, served on this host as Zalo's CDN serves them (`fileUrl`). */
  readonly files = new EmulatedFiles();

  constructor(readonly token = ZALO_BOT_TEST_TOKEN) {}

  /** Stores a photo a user sends; returns its URL on this host (for `message.photo`). */
  fileUrl(file: ServedFile): string {
    return `${this.apiRoot}${this.files.add(file)}`;
  }

  async start(): Promise<this> {
    const app = express();
    app.get('/files/:id', this.files.serve);
    app.use(express.json({ type: () => true }));
    app.use((req, res) => this.handle(req, res));
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    this.server = server;
    this.apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (this.poll) clearTimeout(this.poll.timer);
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next calls of `method` answer with these HTTP statuses (429, 500…), after `after` normal calls. */
  failNext(method: string, statuses: number[], options: { after?: number } = {}): void {
    const plan = this.plans.get(method) ?? [];
    plan.push(...Array<Planned>(options.after ?? 0).fill('ok'), ...statuses);
    this.plans.set(method, plan);
  }

  /** Gives an update to the next getUpdates (or to the one waiting). */
  queueUpdate(update: unknown): void {
    const poll = this.poll;
    if (poll) {
      this.poll = undefined;
      clearTimeout(poll.timer);
      this.reply(poll.res, update);
      return;
    }
    this.queue.push(update);
  }

  /** POSTs an update to the registered webhook with its secret, as Zalo does. */
  async deliver(update: unknown): Promise<number> {
    if (!this.webhook) throw new Error('no webhook registered');
    const response = await fetch(this.webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-bot-api-secret-token': this.webhook.secretToken },
      body: JSON.stringify(update),
    });
    await response.arrayBuffer();
    return response.status;
  }

  callsOf(method: string): ZaloBotCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  sentTo(chatId: string): ZaloBotSent[] {
    return this.sent.filter((m) => m.chatId === chatId);
  }

  /** Resolves once `count` messages were sent to `chatId` (or rejects after `timeoutMs`). */
  async waitForSent(chatId: string, count = 1, timeoutMs = 10_000): Promise<ZaloBotSent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.sentTo(chatId).length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} message(s) to ${chatId}, got ${this.sentTo(chatId).length}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.sentTo(chatId);
  }

  private handle(req: Request, res: Response): void {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.path);
    if (!match) {
      this.fail(res, 404, 'Not Found');
      return;
    }
    const [, token, method] = match as unknown as [string, string, string];
    const body: Record<string, unknown> =
      req.method === 'GET' ? { ...(req.query as Record<string, unknown>) } : typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
    if (token !== this.token) {
      this.fail(res, 401, 'Unauthorized');
      return;
    }
    this.calls.push({ method, body });
    const planned = this.plans.get(method)?.shift();
    if (typeof planned === 'number') {
      this.fail(res, planned, planned === 429 ? 'Too Many Requests' : 'Internal Server Error');
      return;
    }
    switch (method) {
      case 'getMe':
        this.reply(res, { id: '777000111', account_name: 'bot.trolyxa', account_type: 'BASIC', can_join_groups: false });
        return;
      case 'setWebhook': {
        const url = body.url;
        const secret = body.secret_token;
        if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return this.fail(res, 400, 'url is required');
        if (typeof secret !== 'string' || secret.length < 8 || secret.length > 256) return this.fail(res, 400, 'secret_token must be 8-256 characters');
        this.webhook = { url, secretToken: secret };
        this.reply(res, { url, updated_at: Date.now() });
        return;
      }
      case 'deleteWebhook':
        this.webhook = undefined;
        this.reply(res, { url: '', updated_at: Date.now() });
        return;
      case 'getWebhookInfo':
        this.reply(res, { url: this.webhook?.url ?? '', updated_at: Date.now() });
        return;
      case 'getUpdates':
        this.getUpdates(body, res);
        return;
      case 'sendMessage': {
        const chatId = body.chat_id;
        const text = body.text;
        if (typeof chatId !== 'string' || !chatId) return this.fail(res, 400, 'chat_id is required');
        if (typeof text !== 'string' || text.length < 1 || text.length > 2000) return this.fail(res, 400, 'text must be 1-2000 characters');
        const messageId = `m${(++this.messageSeq).toString(16).padStart(19, '0')}`;
        this.sent.push({ chatId, text, messageId });
        this.reply(res, { message_id: messageId, date: Date.now() });
        return;
      }
      case 'sendChatAction':
        res.json({ ok: true });
        return;
      default:
        this.fail(res, 404, `method ${method} not found`);
    }
  }

  private getUpdates(body: Record<string, unknown>, res: Response): void {
    // Polling and webhooks are exclusive: with a webhook set, getUpdates stays silent (as Zalo does).
    if (!this.webhook && this.queue.length) {
      this.reply(res, this.queue.shift());
      return;
    }
    if (this.poll) {
      clearTimeout(this.poll.timer);
      this.fail(this.poll.res, 409, 'Conflict: another getUpdates replaced this one');
    }
    const seconds = Math.min(Number(body.timeout ?? 30) || 30, 60);
    const poll: PendingPoll = {
      res,
      timer: setTimeout(() => {
        if (this.poll === poll) this.poll = undefined;
        this.fail(res, 408, 'Request timeout');
      }, seconds * 1000),
    };
    this.poll = poll;
    res.on('close', () => {
      if (this.poll === poll) {
        clearTimeout(poll.timer);
        this.poll = undefined;
      }
    });
  }

  private reply(res: Response, result: unknown): void {
    if (!res.writableEnded) res.json({ ok: true, result });
  }

  private fail(res: Response, code: number, description: string): void {
    if (!res.writableEnded) res.status(code).json({ ok: false, error_code: code, description });
  }
}

let updateSeq = 0;

export interface UpdateOptions {
  messageId?: string;
  userId?: string;
  displayName?: string;
}

/** A `message.text.received` update in the flat form live traffic uses (ids are strings, dates in ms). */
export function zaloTextUpdate(chatId: string, text: string, options: UpdateOptions = {}): Record<string, unknown> {
  return {
    event_name: 'message.text.received',
    message: { ...baseMessage(chatId, options), text },
  };
}

/** A photo (`message.image.received`): its URL on Zalo's CDN and the caption typed with it. */
export function zaloPhotoUpdate(chatId: string, photo: string, caption?: string, options: UpdateOptions = {}): Record<string, unknown> {
  return {
    event_name: 'message.image.received',
    message: { ...baseMessage(chatId, options), photo, ...(caption !== undefined && { caption }) },
  };
}

/** A sticker: no text. */
export function zaloStickerUpdate(chatId: string, options: UpdateOptions = {}): Record<string, unknown> {
  return {
    event_name: 'message.sticker.received',
    message: { ...baseMessage(chatId, options), sticker: 'bfe9a9a4b9e150bf09f0', url: 'https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=1' },
  };
}

/** The `{ ok: true, result }` form the docs show. */
export function wrapped(update: Record<string, unknown>): Record<string, unknown> {
  return { ok: true, result: update };
}

function baseMessage(chatId: string, options: UpdateOptions): Record<string, unknown> {
  updateSeq += 1;
  return {
    message_id: options.messageId ?? `9a8b7c6d5e4f${String(updateSeq).padStart(8, '0')}`,
    date: Date.now(),
    chat: { id: chatId, chat_type: 'PRIVATE' },
    from: { id: options.userId ?? chatId, display_name: options.displayName ?? 'Trần Thị B', is_bot: false },
  };
}

/** POSTs a webhook body (an object, or raw text as is) with the secret header when given. */
export async function postZaloBotUpdate(
  url: string,
  body: unknown,
  options: { secret?: string } = {},
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.secret !== undefined) headers['x-bot-api-secret-token'] = options.secret;
  const response = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, body: await response.text() };
}
