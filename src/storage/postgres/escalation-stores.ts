import type { EscalationStores } from '../../escalation/stores.js';
import { SqlTicketAttachmentStore } from '../shared/ticket-attachments.js';
import { PgCuratedAnswerStore } from './curated-repository.js';
import { PgOutboxStore } from './outbox-repository.js';
import type { InboxClaimant } from '../update-inbox.js';
import type { PgDatabase } from './pg-database.js';
import { PgTicketStore } from './tickets-repository.js';
import { PgUserStore } from './users-repository.js';

/**
 * The PostgreSQL implementation of all four stores over one pool. A single statement needs no
 * transaction here (each runs on a connection of its own); `transaction` binds every store call made
 * inside `work` to one connection, BEGIN … COMMIT, and is re-entrant like SQLite's. The outbox claims
 * messages for `claimant` (this instance's id and lease).
 *
 * @example
 * const db = await PgDatabase.open(config.databaseUrl);
 * await migratePostgres(db);
 * const stores = createPostgresEscalationStores(db);
 */
export function createPostgresEscalationStores(db: PgDatabase, claimant?: InboxClaimant): EscalationStores {
  return {
    tickets: new PgTicketStore(db),
    attachments: new SqlTicketAttachmentStore(db),
    users: new PgUserStore(db),
    outbox: new PgOutboxStore(db, claimant),
    curated: new PgCuratedAnswerStore(db),
    transaction: (work) => db.transaction(work),
  };
}
