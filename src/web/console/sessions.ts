import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../storage/database.js';
import { endOtherSessions } from '../../storage/web-housekeeping.js';

// The cookie and secret helpers live in src/web/shared/cookies.ts (the web chat uses them too).
export { clearCookie, readCookie, sameSecret, secureFor, setCookie, type CookieSettings } from '../shared/cookies.js';

export const SESSION_COOKIE = 'trolyxa_session';
/** A signed-in session ends after this long without a request… */
export const SESSION_IDLE_MS = 8 * 3_600_000;
/** …and in any case this long after sign-in. */
export const SESSION_MAX_MS = 24 * 3_600_000;
/** An anonymous session (older versions made one per sign-in page view; none is made now) lives this long. */
export const ANONYMOUS_SESSION_MS = 2 * 3_600_000;

/** A message shown once on the next page (after a redirect). */
export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

export interface WebSession {
  tokenHash: string;
  /** Undefined for an anonymous session (before sign-in). */
  accountId?: number;
  csrfToken: string;
  flash?: Flash;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

interface Row {
  token_hash: string;
  account_id: number | null;
  csrf_token: string;
  flash_json: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Server-side sessions in SQLite (table `web_sessions`). The cookie carries a random token; the table
 * keeps only its SHA-256, the account, and the session's CSRF token (a synchronizer token every
 * state-changing request must echo).
 */
export class SessionStore {
  constructor(
    private readonly db: Database,
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
    await this.db.run(
      `INSERT INTO web_sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
      [session.tokenHash, accountId ?? null, session.csrfToken, session.createdAt, session.lastSeenAt, session.expiresAt],
    );
    return { token, session };
  }

  /** The live session of a cookie token (its idle deadline pushed back), or undefined. */
  async find(token: string | undefined): Promise<WebSession | undefined> {
    if (!token || token.length > 100) return undefined;
    const row = await this.db.get<Row>('SELECT * FROM web_sessions WHERE token_hash = ?', [hashToken(token)]);
    if (!row) return undefined;
    const at = this.now();
    if (Date.parse(row.expires_at) <= at.getTime()) {
      await this.db.run('DELETE FROM web_sessions WHERE token_hash = ?', [row.token_hash]);
      return undefined;
    }
    const session = toSession(row);
    if (session.accountId !== undefined && at.getTime() - Date.parse(row.last_seen_at) > 60_000) {
      const expires = Math.min(Date.parse(row.created_at) + SESSION_MAX_MS, at.getTime() + SESSION_IDLE_MS);
      session.lastSeenAt = at.toISOString();
      session.expiresAt = new Date(expires).toISOString();
      await this.db.run('UPDATE web_sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?', [
        session.lastSeenAt,
        session.expiresAt,
        row.token_hash,
      ]);
    }
    return session;
  }

  async destroy(tokenHash: string): Promise<void> {
    await this.db.run('DELETE FROM web_sessions WHERE token_hash = ?', [tokenHash]);
  }

  /** Ends every session of an account (deactivated, password changed). */
  async destroyForAccount(accountId: number): Promise<void> {
    await this.db.run('DELETE FROM web_sessions WHERE account_id = ?', [accountId]);
  }

  /** Ends every session of an account but `keepTokenHash` (its own password changed from that session). */
  async destroyOthersForAccount(accountId: number, keepTokenHash: string): Promise<void> {
    await endOtherSessions(this.db, accountId, keepTokenHash);
  }

  async setFlash(tokenHash: string, flash: Flash): Promise<void> {
    await this.db.run('UPDATE web_sessions SET flash_json = ? WHERE token_hash = ?', [JSON.stringify(flash), tokenHash]);
  }

  async clearFlash(tokenHash: string): Promise<void> {
    await this.db.run('UPDATE web_sessions SET flash_json = NULL WHERE token_hash = ?', [tokenHash]);
  }

  async prune(): Promise<number> {
    return (await this.db.run('DELETE FROM web_sessions WHERE expires_at <= ?', [this.now().toISOString()])).changes;
  }
}

function toSession(r: Row): WebSession {
  let flash: Flash | undefined;
  try {
    flash = r.flash_json ? (JSON.parse(r.flash_json) as Flash) : undefined;
  } catch {
    flash = undefined;
  }
  return {
    tokenHash: r.token_hash,
    ...(r.account_id !== null && { accountId: r.account_id }),
    csrfToken: r.csrf_token,
    ...(flash && { flash }),
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
  };
}
