import { SqlSessionRepository } from '../shared/sessions.js';
import type { PgDatabase } from './pg-database.js';

/** Console sessions (table `web_sessions`), PostgreSQL: any instance finds a session another created. */
export class PgSessionRepository extends SqlSessionRepository {
  constructor(db: PgDatabase) {
    super(db);
  }
}
