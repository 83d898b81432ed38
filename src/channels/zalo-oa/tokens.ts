import { createHash } from 'node:crypto';
import type { Logger } from '../../logger.js';
import type { ChannelStateStore } from '../../storage/channel-state.js';
import type { ZaloOaApi } from './api.js';

/** The state-store key of the token pair (one JSON value, so the pair is always written together). */
export const OA_TOKENS_KEY = 'tokens';

/** The OA tokens as persisted in the channel state store. */
export interface StoredOaTokens {
  accessToken?: string;
  refreshToken?: string;
  /** When the access token expires (ISO), when Zalo said. */
  accessExpiresAt?: string;
  /** Fingerprint of the configured tokens these were derived from: new configured tokens replace them. */
  seed: string;
}

/** Refreshing failed: `retryable` says whether trying again later may help. */
export class OaTokenError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'OaTokenError';
  }
}

/** Refresh this long before Zalo's stated expiry. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

/**
 * The OA access token and its single-use refresh token, kept in the channel state store so a restart
 * never goes back to a refresh token Zalo has already rotated away. The configured tokens only seed the
 * store (and re-seed it when the operator configures a new pair). Refreshes are serialised: concurrent
 * callers wait for the one in flight, and a caller holding a token that was already replaced gets the
 * new one without another refresh. One process per OA: two processes refreshing would race.
 *
 * @example
 * const tokens = new OaTokens(channel, api, state, { accessToken, refreshToken });
 * let token = await tokens.accessToken();
 * // … Zalo says -216 …
 * token = await tokens.refresh(token);
 */
export class OaTokens {
  private current?: Promise<StoredOaTokens>;
  private refreshing?: Promise<string>;

  constructor(
    private readonly channel: string,
    private readonly api: ZaloOaApi,
    private readonly state: ChannelStateStore,
    private readonly configured: { accessToken?: string; refreshToken?: string },
    private readonly options: { now?: () => number; logger?: Logger } = {},
  ) {}

  /** The current access token (refreshed first when it is known to have expired). */
  async accessToken(): Promise<string> {
    const stored = await this.read();
    const expired = stored.accessExpiresAt !== undefined && Date.parse(stored.accessExpiresAt) - EXPIRY_MARGIN_MS <= this.now();
    if (stored.accessToken && !expired) return stored.accessToken;
    return this.refresh(stored.accessToken);
  }

  /**
   * A new access token after `stale` was refused. Uses the stored refresh token once and persists the
   * rotated pair before returning; throws an OaTokenError when Zalo refuses.
   */
  refresh(stale: string | undefined): Promise<string> {
    this.refreshing ??= this.doRefresh(stale).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** The stored pair (seeded from the configuration the first time); read once, then kept in memory. */
  read(): Promise<StoredOaTokens> {
    this.current ??= this.init().catch((error: unknown) => {
      this.current = undefined;
      throw error;
    });
    return this.current;
  }

  private async doRefresh(stale: string | undefined): Promise<string> {
    const stored = await this.read();
    // Someone else refreshed since the caller read its token: use theirs, keep the refresh token.
    if (stale !== undefined && stored.accessToken && stored.accessToken !== stale) return stored.accessToken;
    if (!stored.refreshToken) throw new OaTokenError('no refresh token: authorise the OA again and set ZALO_OA_REFRESH_TOKEN', false);
    const result = await this.api.refreshAccessToken(stored.refreshToken);
    if (!result.ok) {
      this.options.logger?.error({ error: result.message, retryable: result.retryable }, 'Zalo OA token refresh failed');
      throw new OaTokenError(`token refresh failed: ${result.message}`, result.retryable);
    }
    const pair = result.value;
    await this.save({
      accessToken: pair.accessToken,
      refreshToken: pair.refreshToken,
      ...(pair.expiresInSeconds !== undefined && { accessExpiresAt: new Date(this.now() + pair.expiresInSeconds * 1000).toISOString() }),
      seed: stored.seed,
    });
    this.options.logger?.info('Zalo OA access token refreshed');
    return pair.accessToken;
  }

  private async init(): Promise<StoredOaTokens> {
    const raw = await this.state.get(this.channel, OA_TOKENS_KEY);
    const stored = raw ? (JSON.parse(raw) as StoredOaTokens) : undefined;
    const { accessToken, refreshToken } = this.configured;
    if (!accessToken && !refreshToken) return stored ?? { seed: '' };
    const seed = fingerprint(`${accessToken ?? ''}\n${refreshToken ?? ''}`);
    if (stored?.seed === seed) return stored;
    if (stored) this.options.logger?.info('Zalo OA tokens replaced by the newly configured ones');
    const seeded: StoredOaTokens = { ...(accessToken && { accessToken }), ...(refreshToken && { refreshToken }), seed };
    await this.state.set(this.channel, OA_TOKENS_KEY, JSON.stringify(seeded));
    return seeded;
  }

  private async save(tokens: StoredOaTokens): Promise<void> {
    await this.state.set(this.channel, OA_TOKENS_KEY, JSON.stringify(tokens));
    this.current = Promise.resolve(tokens);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}
