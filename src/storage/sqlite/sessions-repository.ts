import type { Database } from '../database.js';
import { SqlSessionRepository } from '../shared/sessions.js';

/** Console sessions (table `web_sessions`), SQLite. */
export class SqliteSessionRepository extends SqlSessionRepository {
  constructor(db: Database) {
    super(db);
  }
}
