import type { Database } from '../database.js';
import { SqlReportingRepository } from '../shared/reporting.js';

/** Dashboard figures and exports over question_log, feedback and tickets, SQLite. */
export class SqliteReportingRepository extends SqlReportingRepository {
  constructor(db: Database) {
    super(db, {
      vietnamDay: "date(created_at, '+7 hours')",
      flag: (condition) => condition,
      feedbackValues: "group_concat(value, ';' ORDER BY f.id)",
      textOrder: '',
    });
  }
}
