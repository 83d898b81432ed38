/* Notices and follow-ups, SQLite (the SQL shared with PostgreSQL is in storage/shared/broadcasts.ts). */
import type { Database, SqlValue } from '../database.js';
import { SqlBroadcastRepository } from '../shared/broadcasts.js';

export class SqliteBroadcastRepository extends SqlBroadcastRepository {
  constructor(private readonly sqlite: Database) {
    super(sqlite);
  }

  protected async insertId(sql: string, params: readonly SqlValue[]): Promise<number> {
    return (await this.sqlite.run(sql, [...params])).lastID;
  }
}
