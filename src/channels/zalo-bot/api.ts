import type { SendResult } from '../../escalation/outbound-port.js';

/*
 * A thin client for the Zalo Bot Platform API (Telegram-like): `POST {apiRoot}/bot{token}/{method}` with a
 * JSON body, answered with `{ ok: true, result }` or `{ ok: false, error_code, description }`.
 * The token is only ever in the URL path; errors and logs name the method, never the URL.
 */

/** What getMe returns (fields per the Zalo docs: account_name, not username). */
export interface ZaloBotInfo {
  id: string;
  account_name?: string;
  account_type?: string;
  can_join_groups?: boolean;
}

/** An inbound update: the webhook body or getUpdates' `result` (dates in epoch milliseconds). */
export interface ZaloBotUpdate {
  event_name?: string;
  message?: ZaloBotMessage;
}

export interface ZaloBotMessage {
  message_id?: string;
  date?: number;
  text?: string;
  photo?: string;
  caption?: string;
  sticker?: string;
  chat?: { id?: string; chat_type?: string };
  from?: { id?: string; display_name?: string; first_name?: string; name?: string; is_bot?: boolean };
}

/** A failed call: `errorCode` is Zalo's error_code (or the HTTP status); undefined for a network failure. */
export class ZaloBotApiError extends Error {
  constructor(
    readonly method: string,
    readonly errorCode: number | undefined,
    readonly description: string,
    readonly retryAfterMs?: number,
  ) {
    super(`Zalo Bot ${method} failed${errorCode === undefined ? '' : ` (${errorCode})`}: ${description}`);
    this.name = 'ZaloBotApiError';
  }

  /** Network failures, timeouts, rate limits and server errors may succeed later; anything else will not. */
  get retryable(): boolean {
    const code = this.errorCode;
    return code === undefined || code === 408 || code === 429 || code >= 500;
  }

  toSendResult(): SendResult {
    return { ok: false, retryable: this.retryable, error: this.message, ...(this.retryAfterMs !== undefined && { retryAfterMs: this.retryAfterMs }) };
  }
}

export interface ZaloBotApiOptions {
  token: string;
  /** e.g. https://bot-api.zaloplatforms.com (no trailing slash). */
  apiRoot: string;
  fetch?: typeof fetch;
  /** Per-call timeout (getUpdates adds its long-poll time). Default 15 s. */
  timeoutMs?: number;
}

/**
 * @example
 * const api = new ZaloBotApi({ token, apiRoot: 'https://bot-api.zaloplatforms.com' });
 * await api.sendMessage(chatId, 'Xin chào!');
 */
export class ZaloBotApi {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly base: string;

  constructor(options: ZaloBotApiOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.base = `${options.apiRoot.replace(/\/+$/, '')}/bot${options.token}`;
  }

  getMe(): Promise<ZaloBotInfo> {
    return this.call('getMe');
  }

  /** Long-polls for one update; throws a ZaloBotApiError with errorCode 408 when none came in time. */
  getUpdates(timeoutSeconds: number, signal?: AbortSignal): Promise<ZaloBotUpdate | ZaloBotUpdate[]> {
    return this.call('getUpdates', { timeout: String(timeoutSeconds) }, { signal, timeoutMs: this.timeoutMs + timeoutSeconds * 1000 });
  }

  setWebhook(url: string, secretToken: string): Promise<{ url: string; updated_at?: number }> {
    return this.call('setWebhook', { url, secret_token: secretToken });
  }

  deleteWebhook(): Promise<unknown> {
    return this.call('deleteWebhook');
  }

  sendMessage(chatId: string, text: string): Promise<{ message_id?: string; date?: number }> {
    return this.call('sendMessage', { chat_id: chatId, text });
  }

  async call<T>(method: string, params: Record<string, unknown> = {}, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<T> {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.timeoutMs);
    let response: Response;
    let body: string;
    try {
      response = await this.fetch(`${this.base}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
        signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
      });
      body = await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const reason = timeout.aborted ? 'timed out' : error instanceof Error ? (causeOf(error) ?? error.message) : String(error);
      throw new ZaloBotApiError(method, undefined, reason);
    }
    let parsed: { ok?: unknown; result?: unknown; error_code?: unknown; description?: unknown } | undefined;
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      parsed = undefined;
    }
    if (response.ok && parsed?.ok === true) return parsed.result as T;
    const code = typeof parsed?.error_code === 'number' ? parsed.error_code : response.status;
    const description = typeof parsed?.description === 'string' ? parsed.description : `HTTP ${response.status}`;
    throw new ZaloBotApiError(method, code, description, retryAfterOf(response));
  }
}

/** Retry-After in seconds (or an HTTP date), as milliseconds. */
export function retryAfterOf(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Node's fetch says only "fetch failed"; the cause names the real problem (ECONNREFUSED…). */
export function causeOf(error: Error): string | undefined {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause ? `${error.message}: ${cause.code ?? cause.message ?? 'unknown cause'}` : undefined;
}
