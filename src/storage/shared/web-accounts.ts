import type { WebAccount, WebAccountRepository, WebRole } from '../ports.js';
import type { SqlRunner } from './sql.js';

export interface WebAccountRow {
  id: number;
  email: string;
  password_hash: string;
  role: WebRole;
  user_id: number;
  active: number;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

/** The insert of an account (values from `newAccountValues`), before the engine's RETURNING, if any. */
export const WEB_ACCOUNT_INSERT = 'INSERT INTO web_accounts (email, password_hash, role, user_id, active, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)';

export function newAccountValues(a: { email: string; passwordHash: string; role: WebRole; userId: number }, now: string): (string | number)[] {
  return [a.email, a.passwordHash, a.role, a.userId, now, now];
}

/**
 * Console accounts (table `web_accounts`): all but `insert`, for both engines. `emailIs` compares the
 * e-mail column with a parameter, ignoring case as each engine's unique index does (SQLite: the column's
 * NOCASE collation; PostgreSQL: an index on lower(email)).
 */
export abstract class SqlWebAccountRepository implements WebAccountRepository {
  constructor(
    protected readonly db: SqlRunner,
    private readonly emailIs: string,
  ) {}

  abstract insert(account: { email: string; passwordHash: string; role: WebRole; userId: number }, now: string): Promise<number>;

  async get(id: number): Promise<WebAccount | undefined> {
    const row = await this.db.get<WebAccountRow>('SELECT * FROM web_accounts WHERE id = ?', [id]);
    return row && toAccount(row);
  }

  async findByEmail(email: string): Promise<WebAccount | undefined> {
    return (await this.findCredentials(email))?.account;
  }

  async findCredentials(email: string): Promise<{ account: WebAccount; passwordHash: string } | undefined> {
    const row = await this.db.get<WebAccountRow>(`SELECT * FROM web_accounts WHERE ${this.emailIs}`, [email]);
    return row && { account: toAccount(row), passwordHash: row.password_hash };
  }

  async list(): Promise<WebAccount[]> {
    return (await this.db.all<WebAccountRow>('SELECT * FROM web_accounts ORDER BY id')).map(toAccount);
  }

  async setPasswordHash(id: number, passwordHash: string, now: string): Promise<void> {
    await this.db.run('UPDATE web_accounts SET password_hash = ?, updated_at = ? WHERE id = ?', [passwordHash, now, id]);
  }

  async update(id: number, patch: { role?: WebRole; active?: boolean; userId?: number }, now: string): Promise<void> {
    const sets: string[] = ['updated_at = ?'];
    const params: (string | number)[] = [now];
    if (patch.role) {
      sets.push('role = ?');
      params.push(patch.role);
    }
    if (patch.active !== undefined) {
      sets.push('active = ?');
      params.push(patch.active ? 1 : 0);
    }
    if (patch.userId !== undefined) {
      sets.push('user_id = ?');
      params.push(patch.userId);
    }
    await this.db.run(`UPDATE web_accounts SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
  }

  async recordLogin(id: number, now: string): Promise<void> {
    await this.db.run('UPDATE web_accounts SET last_login_at = ? WHERE id = ?', [now, id]);
  }
}

function toAccount(r: WebAccountRow): WebAccount {
  return {
    id: r.id,
    email: r.email,
    role: r.role,
    userId: r.user_id,
    active: r.active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.last_login_at !== null && { lastLoginAt: r.last_login_at }),
  };
}
