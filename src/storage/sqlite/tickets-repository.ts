/* Tickets and their events (tables `tickets`, `ticket_events`), SQLite. */
import type { Database } from '../database.js';
import { SqlTicketStore } from '../shared/tickets.js';
import type { SqliteUnitOfWork } from './unit-of-work.js';

/**
 * Every write, and a ticket's opening with its notifications and events, in the unit of work. (Migration
 * 8's `ticket_openings` table and trigger, which opened a ticket in one statement, showed no gain on the
 * load bench; migration 17 dropped them. See README, "Under load".)
 */
export class SqliteTicketStore extends SqlTicketStore {
  constructor(db: Database, uow: SqliteUnitOfWork) {
    const inUnitOfWork = <T>(work: () => Promise<T>) => uow.run(work);
    super(db, inUnitOfWork, (work) => uow.run(() => work(db)));
  }
}
