import type { Asker } from '../../escalation/types.js';
import type { SqlValue } from '../database.js';

/*
 * What the repositories shared by both engines need of a database. The SQLite `Database` and `PgDatabase`
 * (which rewrites `?` placeholders as `$n`) both meet these, so a query written once, in `?` form and in
 * SQL both dialects read the same way, serves both engines; what differs lives in each engine's folder.
 */

export interface SqlReader {
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
}

export interface SqlRunner extends SqlReader {
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
}

/** A database whose transactions are re-entrant (both engines' are). */
export interface SqlTransactor extends SqlRunner {
  transaction<T>(work: () => Promise<T>): Promise<T>;
}

/** Runs the writes of a store together: a transaction on SQLite (see sqlite/unit-of-work.ts). */
export type WriteScope = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * Runs `work` in one transaction, handing it the runner its statements must go through: on PostgreSQL a
 * connection of its own, named explicitly, so no AsyncLocalStorage has to follow the work (see
 * `PgDatabase.transactionWith`). Joins a transaction the caller is already in.
 */
export type TransactionScope = <T>(work: (sql: SqlRunner) => Promise<T>) => Promise<T>;

/** For an engine whose single statements need no transaction around them. */
export const directWrite: WriteScope = (work) => work();

/** An asker's columns in the order every table stores them: channel, chat id, user id, name, commune. */
export function askerValues(asker: Asker): SqlValue[] {
  return [asker.channel, asker.chatId, asker.userId, asker.displayName ?? null, asker.commune ?? null];
}
