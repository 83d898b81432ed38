import { causeOf, retryAfterOf } from '../zalo-bot/api.js';

/*
 * A thin client for the Zalo OA calls the channel makes: the consultation ("cs") message of OA API v3 (text,
 * or a file uploaded with v2.0 upload/file, which takes PDF, DOC and DOCX) and the OAuth v4 access-token refresh. Zalo answers errors with HTTP 200 and a non-zero
 * `error`, so the body decides, not the status.
 */

/** Token errors: -216 "access token invalid or expired" (documented); -124 is reported for expired tokens by some OA APIs [U]. */
export const TOKEN_ERRORS: ReadonlySet<number> = new Set([-216, -124]);
/** Errors worth retrying later: -32 "request rate exceeded" [U]. Every other non-zero error is final. */
export const RETRYABLE_ERRORS: ReadonlySet<number> = new Set([-32]);

/** The outcome of a call: ok, or why not (`error` is Zalo's code, absent for HTTP or network failures). */
export type OaCallResult<T> =
  | { ok: true; value: T }
  | { ok: false; error?: number; httpStatus?: number; message: string; retryable: boolean; retryAfterMs?: number };

export interface OaTokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives (about 25 h). */
  expiresInSeconds?: number;
}

export interface ZaloOaApiOptions {
  appId: string;
  /** The app secret (sent as the `secret_key` header of the refresh call). */
  appSecret?: string;
  /** e.g. https://openapi.zalo.me */
  apiRoot: string;
  /** e.g. https://oauth.zaloapp.com */
  oauthRoot: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * @example
 * const api = new ZaloOaApi({ appId, appSecret, apiRoot: 'https://openapi.zalo.me', oauthRoot: 'https://oauth.zaloapp.com' });
 * const sent = await api.sendText(accessToken, userId, 'Xin chào!');
 */
export class ZaloOaApi {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: ZaloOaApiOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  /** POST {apiRoot}/v3.0/oa/message/cs with the `access_token` header. */
  sendText(accessToken: string, userId: string, text: string): Promise<OaCallResult<{ messageId?: string }>> {
    return this.send(accessToken, { recipient: { user_id: userId }, message: { text } });
  }

  private send(accessToken: string, payload: unknown): Promise<OaCallResult<{ messageId?: string }>> {
    return this.request(
      `${trim(this.options.apiRoot)}/v3.0/oa/message/cs`,
      { 'content-type': 'application/json', access_token: accessToken },
      JSON.stringify(payload),
      (body) => {
        const data = body.data as { message_id?: unknown } | undefined;
        return { ok: true, value: typeof data?.message_id === 'string' ? { messageId: data.message_id } : {} };
      },
    );
  }

  /** POST {apiRoot}/v2.0/oa/upload/file (multipart, field `file`): the token a file message sends. */
  uploadFile(accessToken: string, file: { fileName: string; mimeType: string; bytes: Buffer }): Promise<OaCallResult<{ token: string }>> {
    const form = new FormData();
    form.append('file', new Blob([file.bytes], { type: file.mimeType }), file.fileName);
    return this.request(`${trim(this.options.apiRoot)}/v2.0/oa/upload/file`, { access_token: accessToken }, form, (body) => {
      const token = (body.data as { token?: unknown } | undefined)?.token;
      return typeof token === 'string' && token ? { ok: true, value: { token } } : { ok: false, message: 'upload answered without a token', retryable: false };
    });
  }

  /** POST {apiRoot}/v3.0/oa/message/cs with a file attachment (`token` from uploadFile). */
  sendFile(accessToken: string, userId: string, token: string): Promise<OaCallResult<{ messageId?: string }>> {
    return this.send(accessToken, { recipient: { user_id: userId }, message: { attachment: { type: 'file', payload: { token } } } });
  }

  /** POST {oauthRoot}/v4/oa/access_token (grant_type=refresh_token). The refresh token is single-use. */
  refreshAccessToken(refreshToken: string): Promise<OaCallResult<OaTokenPair>> {
    if (!this.options.appSecret) {
      return Promise.resolve({ ok: false, message: 'no app secret configured (ZALO_OA_APP_SECRET): cannot refresh the access token', retryable: false });
    }
    const form = new URLSearchParams({ app_id: this.options.appId, refresh_token: refreshToken, grant_type: 'refresh_token' });
    return this.request(
      `${trim(this.options.oauthRoot)}/v4/oa/access_token`,
      { 'content-type': 'application/x-www-form-urlencoded', secret_key: this.options.appSecret },
      form.toString(),
      (body) => {
        if (typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string') {
          return { ok: false, message: 'refresh answered without access_token and refresh_token', retryable: false };
        }
        const expires = Number(body.expires_in);
        return {
          ok: true,
          value: {
            accessToken: body.access_token,
            refreshToken: body.refresh_token,
            ...(Number.isFinite(expires) && expires > 0 && { expiresInSeconds: expires }),
          },
        };
      },
    );
  }

  private async request<T>(
    url: string,
    headers: Record<string, string>,
    body: string | FormData,
    onSuccess: (body: Record<string, unknown>) => OaCallResult<T>,
  ): Promise<OaCallResult<T>> {
    let response: Response;
    let text: string;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    try {
      response = await this.fetch(url, { method: 'POST', headers, body, signal: timeout });
      text = await response.text();
    } catch (error) {
      const message = timeout.aborted ? 'timed out' : error instanceof Error ? (causeOf(error) ?? error.message) : String(error);
      return { ok: false, message, retryable: true };
    }
    let parsed: Record<string, unknown> | undefined;
    try {
      const value: unknown = JSON.parse(text);
      parsed = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
    } catch {
      parsed = undefined;
    }
    const httpRetryable = response.status === 429 || response.status >= 500;
    if (!parsed || (!response.ok && parsed.error === undefined)) {
      return { ok: false, httpStatus: response.status, message: `HTTP ${response.status}`, retryable: httpRetryable || response.ok, retryAfterMs: retryAfterOf(response) };
    }
    const code = Number(parsed.error ?? 0);
    if (code !== 0 && Number.isFinite(code)) {
      const message = [parsed.message, parsed.error_name, parsed.error_description].find((m): m is string => typeof m === 'string' && m !== '') ?? 'error';
      return {
        ok: false,
        error: code,
        httpStatus: response.status,
        message: `${message} (${code})`,
        retryable: httpRetryable || RETRYABLE_ERRORS.has(code),
        retryAfterMs: retryAfterOf(response),
      };
    }
    if (httpRetryable) return { ok: false, httpStatus: response.status, message: `HTTP ${response.status}`, retryable: true, retryAfterMs: retryAfterOf(response) };
    return onSuccess(parsed);
  }
}

function trim(root: string): string {
  return root.replace(/\/+$/, '');
}
