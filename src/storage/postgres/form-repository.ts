import { SqlFormStore } from '../shared/forms.js';
import type { PgDatabase } from './pg-database.js';

/** The registry of forms and their files, PostgreSQL (the SQL is shared with SQLite). */
export class PgFormStore extends SqlFormStore {
  constructor(db: PgDatabase) {
    super(db);
  }
}
