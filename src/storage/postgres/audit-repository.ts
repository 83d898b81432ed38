import { SqlAuditRepository } from '../shared/audit.js';
import type { PgDatabase } from './pg-database.js';

/** The console's audit log (table `web_audit`) and the journal merged with `ticket_events`, PostgreSQL. */
export class PgAuditRepository extends SqlAuditRepository {
  constructor(db: PgDatabase) {
    super(db);
  }
}
