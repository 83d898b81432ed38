import type { Database } from '../database.js';
import { SqlFormStore } from '../shared/forms.js';

/** The registry of forms and their files, SQLite (the SQL is shared with PostgreSQL). */
export class SqliteFormStore extends SqlFormStore {
  constructor(db: Database) {
    super(db);
  }
}
