import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Chat, InlineKeyboardMarkup, Message, MessageEntity, Update, User, UserFromGetMe } from 'grammy/types';
import { pino } from 'pino';
import type { Logger } from '../../src/logger.js';
import { createTelegramAdapter, type TelegramAdapter, type TelegramAdapterOptions } from '../../src/channels/telegram/index.js';
import type { ChannelDeps } from '../../src/channels/types.js';
import { ChannelRouter } from '../../src/escalation/outbound-port.js';
import { createHttpApp } from '../../src/web/http-app.js';
import { createTestApp, type TestApp } from './app-fixture.js';
import { createChannelDeps } from '../../src/channels/deps.js';
import { serveBytes, type ServedFile } from './emulated-files.js';
import type { ScanReader } from '../../src/ocr/scan-reader.js';

/*
 * A loopback stand-in for the Telegram Bot API (https://core.telegram.org/bots/api), strict where our
 * bot could go wrong: `POST /bot<token>/<method>` with a JSON body, the `{ ok, result }` /
 * `{ ok: false, error_code, description, parameters }` envelope, HTML parse-mode validation (only the
 * tags and entities Telegram accepts, balanced), the 4096-character limit counted after parsing, and
 * the 64-byte callback data limit. Failures can be scripted per method (429 with retry_after, 5xx, 4xx,
 * a dropped connection). Everything the bot sends is recorded.
 */

export const TEST_TOKEN = '123456789:AAEmulatorTokenForTests_0123456789';

export const TEST_BOT_INFO: UserFromGetMe = {
  id: 123456789,
  is_bot: true,
  first_name: 'Trợ lý Xã',
  username: 'TroLyXaTestBot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

export type Failure =
  | { code: 429; retryAfter: number }
  | { code: 500 | 502; description?: string }
  | { code: 400 | 403; description: string }
  | 'network'
  /** This call goes through normally (to fail a later one). */
  | 'pass';

export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  /** HTTP status answered (0 while pending, or when the connection was dropped). */
  status: number;
}

/** A message the bot sent, as stored by the emulator. */
export interface SentMessage {
  message_id: number;
  chat_id: string;
  /** The HTML (or plain) text the bot sent. */
  text: string;
  /** The text as the user sees it (tags removed, entities decoded). */
  plain: string;
  parse_mode?: string;
  reply_markup?: InlineKeyboardMarkup;
  reply_parameters?: { message_id: number };
  /** The Message object returned to the bot (to build replies and button presses). */
  message: Message;
}

type Waiter = () => void;

interface UploadedFile {
  name: string;
  bytes: Buffer;
}

export interface SentDocument {
  chat_id: string;
  caption?: string;
  file_name: string;
  bytes: Buffer;
  uploaded: boolean;
  message: Message;
}

/**
 * A multipart call (grammY sends one when a call carries a file): its fields, JSON values decoded, and a
 * field that says `attach://<name>` replaced by the file part of that name.
 */
async function multipartPayload(raw: Buffer, type: string): Promise<Record<string, unknown>> {
  const fields: Record<string, unknown> = {};
  const files = new Map<string, UploadedFile>();
  for (const part of multipartParts(raw, type)) {
    if (part.fileName === undefined) fields[part.name] = decodeField(part.body.toString('utf8'));
    else files.set(part.name, { name: part.fileName, bytes: part.body });
  }
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' && value.startsWith('attach://')) fields[key] = files.get(value.slice('attach://'.length));
  }
  for (const [key, file] of files) if (!(key in fields)) fields[key] = file;
  // The size of the uploaded file, for tests that only check that one arrived.
  const first = [...files.values()][0];
  if (first) fields.fileBytes = first.bytes.byteLength;
  return fields;
}

/**
 * The parts of a multipart body, read as leniently as Telegram reads them: grammY writes
 * `content-disposition:form-data;name="x";filename=a.pdf` (no spaces, file name unquoted), which undici's
 * own FormData parser refuses.
 */
function multipartParts(raw: Buffer, type: string): { name: string; fileName?: string; body: Buffer }[] {
  const boundary = /boundary=("?)([^";]+)\1/.exec(type)?.[2];
  if (!boundary) throw new Error('multipart without a boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { name: string; fileName?: string; body: Buffer }[] = [];
  let at = raw.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const next = raw.indexOf(delimiter, start);
    if (next < 0) throw new Error('multipart without its closing boundary');
    const part = raw.subarray(start + 2, next - 2); // after the CRLF that ends the boundary line, before the CRLF that ends the part
    const split = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, split).toString('utf8');
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    const param = (key: string) => new RegExp(`;\\s*${key}=(?:"([^"]*)"|([^;\\s]*))`, 'i').exec(disposition);
    const name = param('name');
    const fileName = param('filename');
    if (name) parts.push({ name: name[1] ?? name[2]!, ...(fileName && { fileName: fileName[1] ?? fileName[2]! }), body: Buffer.from(part.subarray(split + 4)) });
    at = next;
  }
  return parts;
}

function decodeField(value: string): unknown {
  if (!/^[[{"]|^-?\d+$/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export class TelegramEmulator {
  readonly calls: RecordedCall[] = [];
  readonly messages: SentMessage[] = [];
  /** Documents the bot sent (`uploaded`: the bytes came with the call, not a file_id). */
  readonly documents: SentDocument[] = [];
  /** Files the bot uploaded, by the file_id Telegram gave back. */
  private readonly sentFiles = new Map<string, UploadedFile>();
  /** Called for every message the bot sends (load benchmarks time replies with it). */
  readonly sendListeners: ((message: SentMessage) => void)[] = [];
  webhook: { url: string; secret_token?: string; allowed_updates?: string[] } | undefined;
  /** getUpdates waits at most this long for an update (real Telegram: the `timeout` asked for). */
  longPollMs = 300;
  /** Methods that answer only after this many milliseconds (a slow Telegram). */
  readonly delays = new Map<string, number>();

  private readonly failures = new Map<string, Failure[]>();
  private readonly chatFailures = new Map<string, Failure[]>();
  private readonly queue: Update[] = [];
  private readonly waiters = new Set<Waiter>();
  private nextMessageId = 5000;
  private readonly files = new Map<string, ServedFile & { path: string }>();
  private fileSeq = 0;

  private constructor(
    private readonly server: Server,
    readonly token: string,
    readonly botInfo: UserFromGetMe,
  ) {}

  static async start(options: { token?: string; botInfo?: UserFromGetMe } = {}): Promise<TelegramEmulator> {
    let emulator!: TelegramEmulator;
    const server = createServer((req, res) => void emulator.handle(req, res));
    emulator = new TelegramEmulator(server, options.token ?? TEST_TOKEN, options.botInfo ?? TEST_BOT_INFO);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return emulator;
  }

  /** For grammY's `client.apiRoot` (no trailing slash). */
  get apiRoot(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The next calls of `method` fail as scripted, in order. */
  /** The next sendMessage calls to `chatId` fail like this, one per call (other chats are served normally). */
  failChat(chatId: number | string, ...failures: Failure[]): void {
    this.chatFailures.set(String(chatId), [...(this.chatFailures.get(String(chatId)) ?? []), ...failures]);
  }

  failNext(method: string, ...failures: Failure[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...failures]);
  }

  /** Serves an update to getUpdates (polling). */
  queueUpdate(update: Update): void {
    this.queue.push(update);
    for (const wake of [...this.waiters]) wake();
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  messagesTo(chatId: number | string): SentMessage[] {
    return this.messages.filter((m) => m.chat_id === String(chatId));
  }

  /** Polls `probe` until it returns something truthy. */
  async waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > until) throw new Error('telegram emulator: timed out waiting');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    for (const wake of [...this.waiters]) wake();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ── the API ─────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Stores a file a user sent (a photo or document) as Telegram holds it: the bot finds its path with
   * getFile and downloads it from `/file/bot<token>/<path>`. Returns its file_id and size.
   */
  addFile(file: ServedFile, folder: 'photos' | 'documents' = 'photos'): { file_id: string; file_unique_id: string; file_size: number } {
    this.fileSeq += 1;
    const fileId = `AgAC-file-${this.fileSeq}`;
    const extension = file.contentType === 'application/pdf' ? 'pdf' : file.contentType === 'image/png' ? 'png' : 'jpg';
    this.files.set(fileId, { ...file, path: `${folder}/file_${this.fileSeq}.${extension}` });
    return { file_id: fileId, file_unique_id: `u${this.fileSeq}`, file_size: file.bytes.byteLength };
  }

  /** Paths of the files downloaded through `/file/bot<token>/…`, in order. */
  readonly fileDownloads: string[] = [];

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (download && req.method === 'GET') return this.serveFile(download[1]!, decodeURIComponent(download[2]!), res);
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(new URL(req.url ?? '/', 'http://x').pathname);
    let payload: Record<string, unknown> = {};
    try {
      const raw = await readBody(req);
      const type = req.headers['content-type'] ?? '';
      if (type.startsWith('multipart/form-data')) payload = await multipartPayload(raw, type);
      else if (raw.length) payload = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: invalid JSON' }));
      return;
    }
    // Recorded as it arrives, so the order of calls is the order the bot made them.
    const call: RecordedCall = { method: match?.[2] ?? 'unknown', payload, status: 0 };
    this.calls.push(call);
    if (!match) return this.reply(res, call, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = match as unknown as [string, string, string];
    if (token !== this.token) return this.reply(res, call, 401, { ok: false, error_code: 401, description: 'Unauthorized' });

    const delay = this.delays.get(method);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    const scripted =
      (method === 'sendMessage' && chatId !== undefined ? this.chatFailures.get(String(chatId))?.shift() : undefined) ??
      this.failures.get(method)?.shift();
    const failure = scripted === 'pass' ? undefined : scripted;
    if (failure === 'network') {
      req.socket.destroy();
      return;
    }
    if (failure) {
      const description =
        failure.code === 429 ? `Too Many Requests: retry after ${failure.retryAfter}` : (failure.description ?? 'Internal Server Error');
      return this.reply(res, call, failure.code, {
        ok: false,
        error_code: failure.code,
        description,
        ...(failure.code === 429 && { parameters: { retry_after: failure.retryAfter } }),
      });
    }

    const result = await this.method(method, payload, req);
    if ('error' in result) {
      return this.reply(res, call, result.error, { ok: false, error_code: result.error, description: result.description });
    }
    return this.reply(res, call, 200, { ok: true, result: result.ok });
  }

  private serveFile(token: string, path: string, res: ServerResponse): void {
    const file = token === this.token ? [...this.files.values()].find((f) => f.path === path) : undefined;
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    this.fileDownloads.push(path);
    serveBytes(res, file);
  }

  private reply(res: ServerResponse, call: RecordedCall, status: number, body: unknown): void {
    if (res.destroyed) return;
    call.status = status;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async method(
    method: string,
    p: Record<string, unknown>,
    req: IncomingMessage,
  ): Promise<{ ok: unknown } | { error: number; description: string }> {
    switch (method) {
      case 'getMe':
        return { ok: this.botInfo };
      case 'setWebhook': {
        const secret = p.secret_token as string | undefined;
        if (typeof p.url !== 'string' || !/^https:\/\//.test(p.url)) return bad('bad webhook: An HTTPS URL must be provided for webhook');
        if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) return bad('bad webhook: secret token contains unallowed characters');
        this.webhook = { url: p.url, secret_token: secret, allowed_updates: p.allowed_updates as string[] | undefined };
        return { ok: true };
      }
      case 'deleteWebhook':
        this.webhook = undefined;
        return { ok: true };
      case 'getWebhookInfo':
        return { ok: { url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.queue.length } };
      case 'setMyCommands':
        return { ok: true };
      case 'sendChatAction':
        if (p.chat_id === undefined || typeof p.action !== 'string') return bad('Bad Request: chat_id and action are required');
        return { ok: true };
      case 'answerCallbackQuery':
        if (typeof p.callback_query_id !== 'string') return bad('Bad Request: query is too old and response timeout expired or query ID is invalid');
        if (typeof p.text === 'string' && p.text.length > 200) return bad('Bad Request: MESSAGE_TOO_LONG');
        return { ok: true };
      case 'sendMessage':
        return this.sendMessage(p);
      case 'sendDocument':
        return this.sendDocument(p);
      case 'editMessageReplyMarkup': {
        const sent = this.messages.find((m) => m.chat_id === String(p.chat_id) && m.message_id === p.message_id);
        if (!sent) return bad('Bad Request: message to edit not found');
        const markup = p.reply_markup as InlineKeyboardMarkup | undefined;
        const problem = markup && checkMarkup(markup);
        if (problem) return bad(problem);
        sent.reply_markup = markup && markup.inline_keyboard.length ? markup : undefined;
        sent.message = { ...sent.message, ...(sent.reply_markup ? { reply_markup: sent.reply_markup } : { reply_markup: undefined }) };
        return { ok: sent.message };
      }
      case 'getUpdates':
        return this.getUpdates(p, req);
      case 'sendPhoto':
        if (p.chat_id === undefined || typeof p.fileBytes !== 'number') return bad('Bad Request: there is no file in the request');
        return { ok: { message_id: this.nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: Number(p.chat_id), type: 'private' } } };
      case 'getFile': {
        const file = typeof p.file_id === 'string' ? this.files.get(p.file_id) : undefined;
        if (!file) return bad('Bad Request: invalid file_id');
        return { ok: { file_id: p.file_id, file_unique_id: `u-${String(p.file_id)}`, file_size: file.bytes.byteLength, file_path: file.path } };
      }
      default:
        return { error: 404, description: 'Not Found: method not found' };
    }
  }

  /** A document: an uploaded file (multipart) or the file_id of one uploaded before. */
  private sendDocument(p: Record<string, unknown>): { ok: unknown } | { error: number; description: string } {
    const chatId = p.chat_id;
    if (typeof chatId !== 'number' && typeof chatId !== 'string') return bad('Bad Request: chat_id is empty');
    const given = p.document;
    let file: UploadedFile | undefined;
    if (typeof given === 'string') file = this.sentFiles.get(given);
    else if (given && typeof given === 'object' && 'bytes' in given) file = given as UploadedFile;
    if (!file) return bad('Bad Request: wrong file identifier/HTTP URL specified');
    const fileId = `doc-${createHash('sha256').update(file.bytes).digest('hex').slice(0, 16)}`;
    this.sentFiles.set(fileId, file);
    const caption = typeof p.caption === 'string' ? p.caption : undefined;
    if (caption !== undefined && caption.length > 1024) return bad('Bad Request: message caption is too long');
    const id = Number(chatId);
    const message = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id, type: 'private', first_name: 'Người dùng' },
      document: { file_id: fileId, file_unique_id: fileId, file_name: file.name, file_size: file.bytes.length },
      ...(caption !== undefined && { caption }),
    } as Message;
    this.documents.push({ chat_id: String(chatId), caption, file_name: file.name, bytes: file.bytes, uploaded: typeof given !== 'string', message });
    return { ok: message };
  }

  private sendMessage(p: Record<string, unknown>): { ok: unknown } | { error: number; description: string } {
    const chatId = p.chat_id;
    if (typeof chatId !== 'number' && typeof chatId !== 'string') return bad('Bad Request: chat_id is empty');
    if (typeof p.text !== 'string') return bad('Bad Request: message text is empty');
    let plain = p.text;
    if (p.parse_mode === 'HTML') {
      const parsed = parseTelegramHtml(p.text);
      if ('error' in parsed) return bad(`Bad Request: can't parse entities: ${parsed.error}`);
      plain = parsed.plain;
    } else if (p.parse_mode !== undefined) {
      return bad(`Bad Request: unsupported parse_mode ${String(p.parse_mode)}`);
    }
    if (!plain.trim()) return bad('Bad Request: message text is empty');
    if (plain.length > 4096) return bad('Bad Request: message is too long');
    const markup = p.reply_markup as InlineKeyboardMarkup | undefined;
    const problem = markup && checkMarkup(markup);
    if (problem) return bad(problem);

    const id = Number(chatId);
    const chat: Chat = id < 0 ? { id, type: 'supergroup', title: 'Nhóm thử' } : { id, type: 'private', first_name: 'Người dùng' };
    const message = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat,
      from: { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username },
      text: plain,
      ...(markup && markup.inline_keyboard.length > 0 && { reply_markup: markup }),
    } as Message;
    const sent: SentMessage = {
      message_id: message.message_id,
      chat_id: String(chatId),
      text: p.text,
      plain,
      parse_mode: p.parse_mode as string | undefined,
      reply_markup: markup,
      reply_parameters: p.reply_parameters as { message_id: number } | undefined,
      message,
    };
    this.messages.push(sent);
    for (const listener of this.sendListeners) listener(sent);
    return { ok: message };
  }

  private async getUpdates(p: Record<string, unknown>, req: IncomingMessage): Promise<{ ok: unknown } | { error: number; description: string }> {
    if (this.webhook) return { error: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" };
    const offset = typeof p.offset === 'number' ? p.offset : 0;
    const limit = typeof p.limit === 'number' ? p.limit : 100;
    const timeoutMs = Math.min((typeof p.timeout === 'number' ? p.timeout : 0) * 1000, this.longPollMs);
    // Asking with an offset confirms every update before it.
    while (this.queue.length && this.queue[0]!.update_id < offset) this.queue.shift();
    const take = () => this.queue.filter((u) => u.update_id >= offset).slice(0, limit);
    if (!take().length && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          req.off('close', done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        this.waiters.add(done);
        req.on('close', done);
      });
    }
    return { ok: take() };
  }
}

function bad(description: string): { error: number; description: string } {
  return { error: 400, description };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function checkMarkup(markup: InlineKeyboardMarkup): string | undefined {
  if (!Array.isArray(markup.inline_keyboard)) return 'Bad Request: inline keyboard expected';
  for (const row of markup.inline_keyboard) {
    for (const button of row) {
      if (!button.text) return 'Bad Request: text buttons are unallowed in the inline keyboard';
      if ('callback_data' in button) {
        const size = Buffer.byteLength(button.callback_data, 'utf8');
        if (size < 1 || size > 64) return 'Bad Request: BUTTON_DATA_INVALID';
      }
    }
  }
  return undefined;
}

const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'code', 'pre', 'blockquote', 'tg-emoji']);
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/**
 * Telegram's HTML parse mode, strictly: only its tags, properly nested and closed; `&` only in
 * `&lt; &gt; &amp; &quot;` or numeric entities; no bare `<` or `>`. Returns the text the user sees.
 */
export function parseTelegramHtml(html: string): { plain: string } | { error: string } {
  const stack: string[] = [];
  let plain = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i]!;
    if (ch === '<') {
      const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:="[^"<>]*")?)*)\s*>/.exec(html.slice(i));
      if (!tag) return { error: `unsupported start tag at byte offset ${i}` };
      const name = tag[2]!.toLowerCase();
      if (!ALLOWED_TAGS.has(name)) return { error: `unsupported start tag "${name}" at byte offset ${i}` };
      if (tag[1]) {
        if (stack.pop() !== name) return { error: `unmatched end tag "${name}" at byte offset ${i}` };
      } else stack.push(name);
      i += tag[0].length;
    } else if (ch === '&') {
      const entity = /^&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});/.exec(html.slice(i));
      if (!entity) return { error: `unsupported entity at byte offset ${i}` };
      const name = entity[1]!;
      plain += NAMED_ENTITIES[name] ?? String.fromCodePoint(name.startsWith('#x') ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
      i += entity[0].length;
    } else if (ch === '>') {
      return { error: `unexpected ">" at byte offset ${i}` };
    } else {
      plain += ch;
      i += 1;
    }
  }
  if (stack.length) return { error: `can't find end tag corresponding to start tag "${stack.at(-1)}"` };
  return { plain };
}

// ── updates, as Telegram sends them ──────────────────────────────────────────────────────────────────

let nextUpdateId = 700_000;
let nextIncomingMessageId = 1;

export function person(id: number, firstName: string, extra: Partial<User> = {}): User {
  return { id, is_bot: false, first_name: firstName, language_code: 'vi', ...extra };
}

export function privateChat(user: User): Chat.PrivateChat {
  return { id: user.id, type: 'private', first_name: user.first_name, ...(user.username && { username: user.username }) };
}

export function groupChat(id = -1001234567890, title = 'UBND xã Tân Phú — một cửa'): Chat.SupergroupChat {
  return { id, type: 'supergroup', title };
}

/** Entities Telegram would compute: a leading bot command and @mentions. */
export function entitiesOf(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const command = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{5,32})?/.exec(text);
  if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const m of text.matchAll(/(?<![\w/])@[A-Za-z0-9_]{5,32}/g)) {
    entities.push({ type: 'mention', offset: m.index, length: m[0].length });
  }
  return entities;
}

/** A text message update (`update_id` auto-increments unless given). */
export function textUpdate(options: { chat: Chat; from: User; text: string; replyTo?: Message; updateId?: number }): Update {
  const entities = entitiesOf(options.text);
  const message = {
    message_id: nextIncomingMessageId++,
    date: Math.floor(Date.now() / 1000),
    chat: options.chat,
    from: options.from,
    text: options.text,
    ...(entities.length > 0 && { entities }),
    ...(options.replyTo && { reply_to_message: options.replyTo }),
  } as Message.TextMessage;
  return { update_id: options.updateId ?? nextUpdateId++, message } as Update;
}

/** A photo (`file`: what `addFile` returned) with its caption, in a private chat. */
export function photoUpdate(options: { from: User; file: { file_id: string; file_unique_id: string; file_size: number }; caption?: string; document?: string }): Update {
  const base = { message_id: nextIncomingMessageId++, date: Math.floor(Date.now() / 1000), chat: privateChat(options.from), from: options.from };
  const media = options.document
    ? { document: { ...options.file, file_name: options.document, mime_type: 'application/pdf' } }
    : { photo: [{ ...options.file, width: 1100, height: 650 }] };
  return { update_id: nextUpdateId++, message: { ...base, ...media, ...(options.caption !== undefined && { caption: options.caption }) } } as Update;
}

/** A button press on a message the bot sent. */
export function callbackUpdate(options: { from: User; message: Message; data: string }): Update {
  return {
    update_id: nextUpdateId++,
    callback_query: {
      id: `cb-${nextUpdateId}`,
      from: options.from,
      message: options.message,
      chat_instance: `ci-${options.message.chat.id}`,
      data: options.data,
    },
  } as Update;
}

/** The callback data of every button of a sent message. */
export function buttonsOf(message: SentMessage | undefined): string[] {
  return (message?.reply_markup?.inline_keyboard ?? []).flat().flatMap((b) => ('callback_data' in b ? [b.callback_data] : []));
}

/** POSTs a body to the webhook route, as Telegram does (the secret header only when given). */
export async function postUpdate(
  baseUrl: string,
  body: unknown,
  options: { secret?: string; raw?: string; path?: string } = {},
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${baseUrl}${options.path ?? '/webhooks/telegram'}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.secret !== undefined && { 'X-Telegram-Bot-Api-Secret-Token': options.secret }),
    },
    body: options.raw ?? JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

// ── a running bot: real App + HTTP server + adapter, pointed at the emulator ─────────────────────────

export const TEST_SECRET = 'webhook-secret_for-tests-0123456789';

export interface TelegramHarness {
  emulator: TelegramEmulator;
  app: TestApp;
  deps: ChannelDeps;
  adapter: TelegramAdapter;
  /** The HTTP server's base URL (http://127.0.0.1:port). */
  url: string;
  /** POSTs an update to /webhooks/telegram with the right secret. */
  deliver(update: Update): Promise<{ status: number; text: string }>;
  /** Delivers and waits until the bot has finished with it. */
  deliverAndSettle(update: Update): Promise<void>;
  /** A ChannelRouter with the adapter's port (for `processOutbox`). */
  router: ChannelRouter;
  questionCount(): Promise<number>;
  close(): Promise<void>;
}

export async function startTelegramHarness(
  options: { mode?: 'webhook' | 'polling'; adapter?: TelegramAdapterOptions; logger?: Logger; scanReader?: ScanReader; env?: Record<string, string> } = {},
): Promise<TelegramHarness> {
  const emulator = await TelegramEmulator.start();
  const { app, cleanup } = await createTestApp(options.env, undefined, options.scanReader ? { scanReader: options.scanReader } : {});
  const logger = options.logger ?? pino({ level: 'silent' });
  const deps: ChannelDeps = createChannelDeps(app, logger);
  const adapter = createTelegramAdapter(
    {
      token: emulator.token,
      mode: options.mode ?? 'webhook',
      webhookUrl: 'https://trolyxa.example.vn/webhooks/telegram',
      webhookSecret: TEST_SECRET,
      apiRoot: emulator.apiRoot,
    },
    deps,
    // "typing…" at once, so tests can see it without waiting.
    { pollingTimeoutSeconds: 1, typingAfterMs: 0, ...options.adapter },
  );
  const http = createHttpApp({ adapters: [adapter], logger });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = http.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await adapter.start();
  const router = new ChannelRouter().register('telegram', adapter.port);
  const deliver = (update: Update) => postUpdate(url, update, { secret: TEST_SECRET });
  return {
    emulator,
    app,
    deps,
    adapter,
    url,
    router,
    deliver,
    async deliverAndSettle(update) {
      const { status } = await deliver(update);
      if (status !== 200) throw new Error(`webhook answered ${status}`);
      await deps.background.idle();
    },
    async questionCount() {
      const row = await app.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM question_log');
      return row?.n ?? 0;
    },
    async close() {
      await adapter.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await deps.background.drain();
      await emulator.close();
      await cleanup();
    },
  };
}
