import type { Database } from '../database.js';
import type { WebRole } from '../ports.js';
import { newAccountValues, SqlWebAccountRepository, WEB_ACCOUNT_INSERT } from '../shared/web-accounts.js';

/** Console accounts (table `web_accounts`), SQLite. */
export class SqliteWebAccountRepository extends SqlWebAccountRepository {
  constructor(private readonly sqlite: Database) {
    super(sqlite, 'email = ?');
  }

  async insert(a: { email: string; passwordHash: string; role: WebRole; userId: number }, now: string): Promise<number> {
    return (await this.sqlite.run(WEB_ACCOUNT_INSERT, newAccountValues(a, now))).lastID;
  }
}
