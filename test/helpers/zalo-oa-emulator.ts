import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { EmulatedFiles, type ServedFile } from './emulated-files.js';

/*
 * A loopback Zalo OA for tests (docs/shared/channels.md §2): the consultation message endpoint
 * `POST /v3.0/oa/message/cs` (header access_token; -216 for an unknown or expired token; a refusal for a
 * user outside the messaging window; 1–2000 characters) and the OAuth refresh `POST /v4/oa/access_token`
 * (header secret_key = app secret; form body; rotates both tokens and refuses a refresh token used
 * before). One server serves both roots. Errors come with HTTP 200 and a non-zero `error`, as Zalo does.
 */

/** What the emulator answers for a user outside the window in which an OA may send consultation messages. */
export const OUTSIDE_WINDOW_ERROR = -230;

export interface OaSent {
  userId: string;
  text: string;
  accessToken: string;
  /** A file message: the file uploaded with the token it carried. */
  file?: OaUploaded;
}

export interface OaUploaded {
  token: string;
  fileName: string;
  type: string;
  bytes: Buffer;
}

export interface OaRefreshCall {
  appId: unknown;
  refreshToken: unknown;
  grantType: unknown;
  secretKey: string | undefined;
  contentType: string | undefined;
}

export interface OaEmulatorOptions {
  appId?: string;
  appSecret?: string;
  accessToken?: string;
  refreshToken?: string;
}

export class ZaloOaEmulator {
  readonly appId: string;
  readonly appSecret: string;
  /** The only access token accepted (while `accessValid`). */
  accessToken: string;
  /** The only refresh token accepted. */
  refreshToken: string;
  accessValid = true;
  readonly usedRefreshTokens = new Set<string>();
  readonly sent: OaSent[] = [];
  /** Files uploaded with v2.0/oa/upload/file, by token. */
  readonly uploads = new Map<string, OaUploaded>();
  readonly refreshCalls: OaRefreshCall[] = [];
  /** Users the OA may not message now (they have not written within the window). */
  readonly outsideWindow = new Set<string>();
  /** Delay before answering a refresh (to overlap concurrent refreshes). */
  refreshDelayMs = 0;
  root = '';
  private server?: Server;
  private messageSeq = 0;
  private tokenSeq = 0;
  private readonly plans = new Map<'cs' | 'oauth', number[]>();

  constructor(options: OaEmulatorOptions = {}) {
    this.appId = options.appId ?? '4100000000000000001';
    this.appSecret = options.appSecret ?? 'app-secret-emulated';
    this.accessToken = options.accessToken ?? 'oa-access-0';
    this.refreshToken = options.refreshToken ?? 'oa-refresh-0';
  }

  /** The adapter configuration that points at this emulator (`secretKey`: the OA secret key that signs events). */
  adapterConfig(secretKey: string) {
    return {
      appId: this.appId,
      secretKey,
      appSecret: this.appSecret,
      accessToken: this.accessToken,
      refreshToken: this.refreshToken,
      apiRoot: this.root,
      oauthRoot: this.root,
    };
  }

  /** Photos and files users send, served on this host as Zalo's CDN serves them (`fileUrl`). */
  readonly files = new EmulatedFiles();

  /** Stores a file a user sends; returns its URL on this host (for an attachment's `payload.url`). */
  fileUrl(file: ServedFile): string {
    return `${this.root}${this.files.add(file)}`;
  }

  async start(): Promise<this> {
    const app = express();
    app.post('/v2.0/oa/upload/file', express.raw({ type: () => true, limit: '10mb' }), (req, res) => void this.upload(req, res));
    app.get('/files/:id', this.files.serve);
    app.post('/v3.0/oa/message/cs', express.json({ type: () => true }), (req, res) => this.cs(req, res));
    app.post('/v4/oa/access_token', express.urlencoded({ extended: false, type: () => true }), (req, res) => void this.oauth(req, res));
    app.use((_req, res) => {
      res.status(404).json({ error: -404, message: 'not found' });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    this.server = server;
    this.root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The current access token stops working (as after ~25 h): the next send gets -216. */
  expireAccessToken(): void {
    this.accessValid = false;
  }

  /** The next calls of the endpoint answer with these HTTP statuses. */
  failNext(endpoint: 'cs' | 'oauth', ...statuses: number[]): void {
    this.plans.set(endpoint, [...(this.plans.get(endpoint) ?? []), ...statuses]);
  }

  sentTo(userId: string): OaSent[] {
    return this.sent.filter((m) => m.userId === userId);
  }

  async waitForSent(userId: string, count = 1, timeoutMs = 10_000): Promise<OaSent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.sentTo(userId).length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} message(s) to ${userId}, got ${this.sentTo(userId).length}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.sentTo(userId);
  }

  private planned(endpoint: 'cs' | 'oauth', res: Response): boolean {
    const status = this.plans.get(endpoint)?.shift();
    if (status === undefined) return false;
    res.status(status).json({ error: -32, message: status === 429 ? 'Too many requests' : 'Internal error' });
    return true;
  }

  private cs(req: Request, res: Response): void {
    if (this.planned('cs', res)) return;
    const token = req.get('access_token');
    if (!token || token !== this.accessToken || !this.accessValid) {
      res.json({ error: -216, message: 'Access token is invalid' });
      return;
    }
    const body = (req.body ?? {}) as { recipient?: { user_id?: unknown }; message?: { text?: unknown; attachment?: { type?: unknown; payload?: { token?: unknown } } } };
    const userId = body.recipient?.user_id;
    const text = body.message?.text;
    if (typeof userId !== 'string' || !userId) {
      res.json({ error: -201, message: 'Invalid parameter: recipient.user_id' });
      return;
    }
    const attachment = body.message?.attachment;
    if (attachment !== undefined) {
      const file = attachment.type === 'file' && typeof attachment.payload?.token === 'string' ? this.uploads.get(attachment.payload.token) : undefined;
      if (!file) {
        res.json({ error: -201, message: 'Invalid parameter: attachment' });
        return;
      }
      this.sent.push({ userId, text: '', accessToken: token, file });
      res.json({ error: 0, message: 'Success', data: { message_id: `oa-msg-${++this.messageSeq}`, user_id: userId } });
      return;
    }
    if (typeof text !== 'string' || text.length < 1 || text.length > 2000) {
      res.json({ error: -201, message: 'Invalid parameter: text must be 1-2000 characters' });
      return;
    }
    if (this.outsideWindow.has(userId)) {
      res.json({ error: OUTSIDE_WINDOW_ERROR, message: 'User has not interacted with the OA within the allowed period' });
      return;
    }
    this.sent.push({ userId, text, accessToken: token });
    res.json({ error: 0, message: 'Success', data: { message_id: `oa-msg-${++this.messageSeq}`, user_id: userId } });
  }

  /** PDF, DOC and DOCX only, as Zalo's upload/file: the token a file message sends. */
  private async upload(req: Request, res: Response): Promise<void> {
    const token = req.get('access_token');
    if (!token || token !== this.accessToken || !this.accessValid) {
      res.json({ error: -216, message: 'Access token is invalid' });
      return;
    }
    const form = await new globalThis.Response(req.body as Buffer, { headers: { 'content-type': req.get('content-type') ?? '' } }).formData().catch(() => undefined);
    const file = form?.get('file');
    const allowed = ['application/pdf', 'application/msword', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'];
    if (!file || typeof file === 'string' || !allowed.includes(file.type)) {
      res.json({ error: -210, message: 'Invalid file' });
      return;
    }
    const uploaded: OaUploaded = { token: `oa-file-${this.uploads.size + 1}`, fileName: file.name, type: file.type, bytes: Buffer.from(await file.arrayBuffer()) };
    this.uploads.set(uploaded.token, uploaded);
    res.json({ error: 0, message: 'Success', data: { token: uploaded.token } });
  }

  private async oauth(req: Request, res: Response): Promise<void> {
    if (this.planned('oauth', res)) return;
    const form = (req.body ?? {}) as Record<string, unknown>;
    const call: OaRefreshCall = {
      appId: form.app_id,
      refreshToken: form.refresh_token,
      grantType: form.grant_type,
      secretKey: req.get('secret_key'),
      contentType: req.get('content-type'),
    };
    this.refreshCalls.push(call);
    if (this.refreshDelayMs) await new Promise((resolve) => setTimeout(resolve, this.refreshDelayMs));
    if (call.secretKey !== this.appSecret) {
      res.json({ error: -14002, error_name: 'Invalid secret key', error_description: 'secret_key is wrong' });
      return;
    }
    if (call.appId !== this.appId || call.grantType !== 'refresh_token') {
      res.json({ error: -14003, error_name: 'Invalid request', error_description: 'app_id or grant_type is wrong' });
      return;
    }
    const used = typeof call.refreshToken === 'string' && this.usedRefreshTokens.has(call.refreshToken);
    if (used || call.refreshToken !== this.refreshToken) {
      res.json({ error: -14014, error_name: 'Invalid refresh token', error_description: used ? 'refresh token was already used' : 'unknown refresh token' });
      return;
    }
    this.usedRefreshTokens.add(this.refreshToken);
    this.tokenSeq += 1;
    this.accessToken = `oa-access-${this.tokenSeq}`;
    this.refreshToken = `oa-refresh-${this.tokenSeq}`;
    this.accessValid = true;
    res.json({ access_token: this.accessToken, refresh_token: this.refreshToken, expires_in: '90000' });
  }
}

let eventSeq = 0;

/** A `user_send_image` or `user_send_file` event: one attachment with its URL (and the text typed with it). */
export function oaFileEvent(
  appId: string,
  userId: string,
  kind: 'image' | 'file',
  url: string,
  options: { text?: string; name?: string; size?: string; msgId?: string } = {},
): Record<string, unknown> {
  const event = oaTextEvent(appId, userId, options.text ?? '', options.msgId ? { msgId: options.msgId } : {}) as { message: Record<string, unknown> };
  const payload = kind === 'image' ? { url, thumbnail: url } : { url, name: options.name ?? 'giay-to.pdf', size: options.size ?? '1000', type: 'pdf' };
  return {
    ...event,
    event_name: kind === 'image' ? 'user_send_image' : 'user_send_file',
    message: { ...event.message, ...(options.text === undefined && { text: undefined }), attachments: [{ type: kind, payload }] },
  };
}

/** A `user_send_text` event as Zalo posts it (ids as strings, timestamp in ms as a string). */
export function oaTextEvent(appId: string, userId: string, text: string, options: { msgId?: string; timestamp?: string } = {}): Record<string, unknown> {
  eventSeq += 1;
  return {
    app_id: appId,
    user_id_by_app: `52000000000000${String(eventSeq).padStart(5, '0')}`,
    event_name: 'user_send_text',
    timestamp: options.timestamp ?? String(Date.now()),
    sender: { id: userId },
    recipient: { id: '7400000000000000004' },
    message: { msg_id: options.msgId ?? `c0ffee${String(eventSeq).padStart(14, '0')}`, text },
  };
}

/** sha256(app_id + raw body + timestamp + OA secret key), written here independently of the adapter. */
export function oaSignature(appId: string, rawBody: string, timestamp: string, oaSecretKey: string): string {
  return `mac=${createHash('sha256').update(appId + rawBody + timestamp + oaSecretKey).digest('hex')}`;
}

/**
 * POSTs an event to the OA webhook, signed over the exact text sent. `alterAfterSigning` changes the body
 * after the signature was computed; `signature: null` leaves the header out; a string replaces it.
 */
export async function postOaEvent(
  url: string,
  event: Record<string, unknown>,
  options: { secretKey: string; alterAfterSigning?: (raw: string) => string; signature?: string | null },
): Promise<{ status: number; body: string }> {
  const raw = JSON.stringify(event);
  const mac = oaSignature(String(event.app_id), raw, String(event.timestamp), options.secretKey);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.signature !== null) headers['x-zevent-signature'] = options.signature ?? mac;
  const body = options.alterAfterSigning ? options.alterAfterSigning(raw) : raw;
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text() };
}
