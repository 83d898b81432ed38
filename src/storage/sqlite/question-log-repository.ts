import type { LoggedQuestion } from '../../assistant/question-log.js';
import type { Database } from '../database.js';
import { entryValues, QUESTION_LOG_INSERT, SqlQuestionLog } from '../shared/question-log.js';

/** The question log and feedback (tables `question_log`, `feedback`), SQLite. */
export class SqliteQuestionLog extends SqlQuestionLog {
  constructor(private readonly db: Database) {
    super(db);
  }

  /** The insert before this one: sqlite3 runs pooled statements in any order, and ids follow the order of adding. */
  private previous: Promise<unknown> = Promise.resolve();

  async add(e: Omit<LoggedQuestion, 'id'>): Promise<number> {
    const insert = this.previous.then(() => this.db.run(QUESTION_LOG_INSERT, entryValues(e)));
    this.previous = insert.catch(() => undefined);
    return (await insert).lastID;
  }
}
