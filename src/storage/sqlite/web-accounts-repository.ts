import type { Database } from '../database.js';
import type { WebAccount, WebAccountRepository, WebRole } from '../ports.js';

interface Row {
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

/** Console accounts (table `web_accounts`), SQLite. */
export class SqliteWebAccountRepository implements WebAccountRepository {
  constructor(private readonly db: Database) {}

  async insert(a: { email: string; passwordHash: string; role: WebRole; userId: number }, now: string): Promise<number> {
    const { lastID } = await this.db.run(
      `INSERT INTO web_accounts (email, password_hash, role, user_id, active, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)`,
      [a.email, a.passwordHash, a.role, a.userId, now, now],
    );
    return lastID;
  }

  async get(id: number): Promise<WebAccount | undefined> {
    const row = await this.db.get<Row>('SELECT * FROM web_accounts WHERE id = ?', [id]);
    return row && toAccount(row);
  }

  async findByEmail(email: string): Promise<WebAccount | undefined> {
    const row = await this.db.get<Row>('SELECT * FROM web_accounts WHERE email = ?', [email]);
    return row && toAccount(row);
  }

  async findCredentials(email: string): Promise<{ account: WebAccount; passwordHash: string } | undefined> {
    const row = await this.db.get<Row>('SELECT * FROM web_accounts WHERE email = ?', [email]);
    return row && { account: toAccount(row), passwordHash: row.password_hash };
  }

  async list(): Promise<WebAccount[]> {
    return (await this.db.all<Row>('SELECT * FROM web_accounts ORDER BY id')).map(toAccount);
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

function toAccount(r: Row): WebAccount {
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
