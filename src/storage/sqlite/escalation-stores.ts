import type { EscalationStores } from '../../escalation/stores.js';
import type { Database } from '../database.js';
import type { InboxClaimant } from '../update-inbox.js';
import { SqlTicketAttachmentStore } from '../shared/ticket-attachments.js';
import { SqliteCuratedAnswerStore } from './curated-repository.js';
import { SqliteOutboxStore } from './outbox-repository.js';
import { SqliteTicketStore } from './tickets-repository.js';
import { SqliteUnitOfWork } from './unit-of-work.js';
import { SqliteUserStore } from './users-repository.js';

/**
 * The SQLite implementation of all four stores over one `Database` (migration 2); the outbox claims
 * messages for `claimant` (default: instance 'local', 30 s leases).
 *
 * @example
 * const db = await Database.open(config.databaseFile);
 * const stores = createSqliteEscalationStores(db);
 * const service = new EscalationService(stores, { reminderAfterMs: 4 * 3600_000 });
 */
export function createSqliteEscalationStores(db: Database, claimant?: InboxClaimant): EscalationStores {
  const uow = new SqliteUnitOfWork(db);
  return {
    tickets: new SqliteTicketStore(db, uow),
    attachments: new SqlTicketAttachmentStore(db),
    users: new SqliteUserStore(db, uow),
    outbox: new SqliteOutboxStore(db, uow, claimant),
    curated: new SqliteCuratedAnswerStore(db, uow),
    transaction: (work) => uow.run(work),
  };
}
