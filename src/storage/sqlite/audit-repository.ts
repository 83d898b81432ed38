import type { Database } from '../database.js';
import { SqlAuditRepository } from '../shared/audit.js';

/** The console's audit log (table `web_audit`) and the journal merged with `ticket_events`, SQLite. */
export class SqliteAuditRepository extends SqlAuditRepository {
  constructor(db: Database) {
    super(db);
  }
}
