import { createHash, randomBytes } from 'node:crypto';
import type { Flash, SessionRepository, WebSession } from '../../storage/ports.js';


export const SESSION_COOKIE = 'trolyxa_session';
/** A signed-in session ends after this long without a request… */
export const SESSION_IDLE_MS = 8 * 3_600_000;
/** …and in any case this long after sign-in. */
export const SESSION_MAX_MS = 24 * 3_600_000;
/** An anonymous session (older versions made one per sign-in page view; none is made now) lives this long. */
export const ANONYMOUS_SESSION_MS = 2 * 3_600_000;

export type { Flash, WebSession } from '../../storage/ports.js';

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Server-side sessions (kept by a SessionRepository). The cookie carries a random token; storage keeps
 * only its SHA-256, the account, and the session's CSRF token (a synchronizer token every state-changing
 * request must echo).
 */
export class SessionStore {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(accountId: number | undefined): Promise<{ token: string; session: WebSession }> {
    const token = randomToken();
    const at = this.now();
    const ttl = accountId === undefined ? ANONYMOUS_SESSION_MS : SESSION_IDLE_MS;
    const session: WebSession = {
      tokenHash: hashToken(token),
      ...(accountId !== undefined && { accountId }),
      csrfToken: randomToken(),
      createdAt: at.toISOString(),
      lastSeenAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + ttl).toISOString(),
    };
    await this.sessions.insert(session);
    return { token, session };
  }

  /** The live session of a cookie token (its idle deadline pushed back), or undefined. */
  async find(token: string | undefined): Promise<WebSession | undefined> {
    if (!token || token.length > 100) return undefined;
    const session = await this.sessions.find(hashToken(token));
    if (!session) return undefined;
    const at = this.now();
    if (Date.parse(session.expiresAt) <= at.getTime()) {
      await this.sessions.delete(session.tokenHash);
      return undefined;
    }
    if (session.accountId !== undefined && at.getTime() - Date.parse(session.lastSeenAt) > 60_000) {
      const expires = Math.min(Date.parse(session.createdAt) + SESSION_MAX_MS, at.getTime() + SESSION_IDLE_MS);
      session.lastSeenAt = at.toISOString();
      session.expiresAt = new Date(expires).toISOString();
      await this.sessions.touch(session.tokenHash, session.lastSeenAt, session.expiresAt);
    }
    return session;
  }

  async destroy(tokenHash: string): Promise<void> {
    await this.sessions.delete(tokenHash);
  }

  /** Ends every session of an account (deactivated, password changed). */
  async destroyForAccount(accountId: number): Promise<void> {
    await this.sessions.deleteForAccount(accountId);
  }

  /** Ends every session of an account but `keepTokenHash` (its own password changed from that session). */
  async destroyOthersForAccount(accountId: number, keepTokenHash: string): Promise<void> {
    await this.sessions.deleteOthersForAccount(accountId, keepTokenHash);
  }

  async setFlash(tokenHash: string, flash: Flash): Promise<void> {
    await this.sessions.setFlash(tokenHash, flash);
  }

  async clearFlash(tokenHash: string): Promise<void> {
    await this.sessions.setFlash(tokenHash, undefined);
  }

  async prune(): Promise<number> {
    return this.sessions.deleteExpired(this.now().toISOString());
  }
}

