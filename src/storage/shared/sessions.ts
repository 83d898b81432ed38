import type { Flash, SessionRepository, WebSession } from '../ports.js';
import { endOtherSessions } from '../web-housekeeping.js';
import type { SqlRunner } from './sql.js';

interface Row {
  token_hash: string;
  account_id: number | null;
  csrf_token: string;
  flash_json: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

/** Console sessions (table `web_sessions`): the same SQL on both engines. */
export class SqlSessionRepository implements SessionRepository {
  constructor(private readonly db: SqlRunner) {}

  async insert(s: WebSession): Promise<void> {
    await this.db.run(
      `INSERT INTO web_sessions (token_hash, account_id, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
      [s.tokenHash, s.accountId ?? null, s.csrfToken, s.createdAt, s.lastSeenAt, s.expiresAt],
    );
  }

  async find(tokenHash: string): Promise<WebSession | undefined> {
    const row = await this.db.get<Row>('SELECT * FROM web_sessions WHERE token_hash = ?', [tokenHash]);
    return row && toSession(row);
  }

  async touch(tokenHash: string, lastSeenAt: string, expiresAt: string): Promise<void> {
    await this.db.run('UPDATE web_sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?', [lastSeenAt, expiresAt, tokenHash]);
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.run('DELETE FROM web_sessions WHERE token_hash = ?', [tokenHash]);
  }

  async deleteForAccount(accountId: number): Promise<void> {
    await this.db.run('DELETE FROM web_sessions WHERE account_id = ?', [accountId]);
  }

  deleteOthersForAccount(accountId: number, keepTokenHash: string): Promise<number> {
    return endOtherSessions(this.db, accountId, keepTokenHash);
  }

  async setFlash(tokenHash: string, flash: Flash | undefined): Promise<void> {
    await this.db.run('UPDATE web_sessions SET flash_json = ? WHERE token_hash = ?', [flash ? JSON.stringify(flash) : null, tokenHash]);
  }

  async deleteExpired(now: string): Promise<number> {
    return (await this.db.run('DELETE FROM web_sessions WHERE expires_at <= ?', [now])).changes;
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
