/* Tickets and their events (tables `tickets`, `ticket_events`), PostgreSQL. */
import type { TicketFilter } from '../../escalation/stores.js';
import { directWrite } from '../shared/sql.js';
import { SqlTicketStore } from '../shared/tickets.js';
import type { PgDatabase } from './pg-database.js';

export class PgTicketStore extends SqlTicketStore {
  constructor(db: PgDatabase) {
    // Each transaction on a connection of its own, named explicitly: nothing else waits for it.
    super(db, directWrite, (work) => db.transactionWith(work), ' COLLATE "C"');
  }

  /**
   * The reminders' query (the only one with `remindedBefore`) claims what it reads: inside the reminders'
   * transaction the rows stay locked until it commits, and a second instance skips them instead of
   * reminding the same tickets again — once the first commits, they are no longer due.
   */
  protected override listLock(filter: TicketFilter): string {
    return filter.remindedBefore ? ' FOR UPDATE SKIP LOCKED' : '';
  }
}
