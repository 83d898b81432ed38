import type { LoggedQuestion } from '../../assistant/question-log.js';
import { entryValues, QUESTION_LOG_INSERT, SqlQuestionLog } from '../shared/question-log.js';
import type { PgDatabase } from './pg-database.js';

/** The question log and feedback (tables `question_log`, `feedback`), PostgreSQL. */
export class PgQuestionLog extends SqlQuestionLog {
  constructor(private readonly db: PgDatabase) {
    super(db);
  }

  async add(e: Omit<LoggedQuestion, 'id'>): Promise<number> {
    const row = await this.db.get<{ id: number }>(`${QUESTION_LOG_INSERT} RETURNING id`, entryValues(e));
    if (!row) throw new Error('logging a question returned no id');
    return row.id;
  }
}
