/* Notices and follow-ups, PostgreSQL (the SQL shared with SQLite is in storage/shared/broadcasts.ts). */
import type { SqlValue } from '../database.js';
import { SqlBroadcastRepository } from '../shared/broadcasts.js';
import type { PgDatabase } from './pg-database.js';

export class PgBroadcastRepository extends SqlBroadcastRepository {
  constructor(private readonly pg: PgDatabase) {
    super(pg);
  }

  protected async insertId(sql: string, params: readonly SqlValue[]): Promise<number> {
    const [row] = await this.pg.all<{ id: number }>(`${sql} RETURNING id`, params);
    if (!row) throw new Error('insert returned no id');
    return Number(row.id);
  }
}
