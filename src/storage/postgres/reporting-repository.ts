import { SqlReportingRepository } from '../shared/reporting.js';
import type { PgDatabase } from './pg-database.js';

/** Dashboard figures and exports over question_log, feedback and tickets, PostgreSQL. */
export class PgReportingRepository extends SqlReportingRepository {
  constructor(db: PgDatabase) {
    super(db, {
      vietnamDay: "to_char(created_at::timestamptz AT TIME ZONE 'UTC' + interval '7 hours', 'YYYY-MM-DD')",
      flag: (condition) => `(${condition})::int`,
      feedbackValues: "string_agg(value, ';' ORDER BY f.id)",
      textOrder: ' COLLATE "C"',
    });
  }
}
