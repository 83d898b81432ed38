import type { WebRole } from '../ports.js';
import { newAccountValues, SqlWebAccountRepository, WEB_ACCOUNT_INSERT } from '../shared/web-accounts.js';
import type { PgDatabase } from './pg-database.js';

/** Console accounts (table `web_accounts`), PostgreSQL: e-mails unique and matched whatever their case. */
export class PgWebAccountRepository extends SqlWebAccountRepository {
  constructor(private readonly pg: PgDatabase) {
    super(pg, 'lower(email) = lower(?)');
  }

  /** A taken e-mail (in any case) rejects, as on SQLite (unique index web_accounts_email). */
  async insert(a: { email: string; passwordHash: string; role: WebRole; userId: number }, now: string): Promise<number> {
    const row = await this.pg.get<{ id: number }>(`${WEB_ACCOUNT_INSERT} RETURNING id`, newAccountValues(a, now));
    if (!row) throw new Error('adding a console account returned no id');
    return row.id;
  }
}
