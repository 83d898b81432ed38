import type { LoggedQuestion } from '../../assistant/question-log.js';
import type { Database } from '../database.js';
import { entryValues, QUESTION_LOG_INSERT, SqlQuestionLog } from '../shared/question-log.js';

/** The question log and feedback (tables `question_log`, `feedback`), SQLite. */
export class SqliteQuestionLog extends SqlQuestionLog {
  constructor(private readonly db: Database) {
    super(db);
  }

  async add(e: Omit<LoggedQuestion, 'id'>): Promise<number> {
    return (await this.db.run(QUESTION_LOG_INSERT, entryValues(e))).lastID;
  }
}
