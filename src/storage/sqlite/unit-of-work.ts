import type { Database } from '../database.js';

/**
 * Runs work in one SQLite transaction; a call made inside a transaction joins it (`Database.transaction`
 * is re-entrant). Every write of these stores goes through it, so a write can never slip into another
 * caller's open transaction.
 */
export class SqliteUnitOfWork {
  constructor(readonly db: Database) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
