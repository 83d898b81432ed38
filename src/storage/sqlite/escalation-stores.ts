import type { EscalationStores } from '../../escalation/stores.js';
import type { Database } from '../database.js';
import { SqliteCuratedAnswerStore } from './curated-repository.js';
import { SqliteOutboxStore } from './outbox-repository.js';
import { SqliteTicketStore } from './tickets-repository.js';
import { SqliteUnitOfWork } from './unit-of-work.js';
import { SqliteUserStore } from './users-repository.js';

/**
 * The SQLite implementation of all four stores over one `Database` (migration 2).
 *
 * @example
 * const db = await Database.open(config.databaseFile);
 * const stores = createSqliteEscalationStores(db);
 * const service = new EscalationService(stores, { reminderAfterMs: 4 * 3600_000 });
 */
export function createSqliteEscalationStores(db: Database): EscalationStores {
  const uow = new SqliteUnitOfWork(db);
  return {
    tickets: new SqliteTicketStore(db, uow),
    users: new SqliteUserStore(db, uow),
    outbox: new SqliteOutboxStore(db, uow),
    curated: new SqliteCuratedAnswerStore(db, uow),
    transaction: (work) => uow.run(work),
  };
}
