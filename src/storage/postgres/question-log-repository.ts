import type { LoggedQuestion } from '../../assistant/question-log.js';
import type { SqlValue } from '../database.js';
import { entryValues, QUESTION_LOG_INSERT, SqlQuestionLog } from '../shared/question-log.js';
import type { PgDatabase } from './pg-database.js';

/** Entries per statement at most: each size is a prepared statement of its own. */
const MAX_BATCH = 16;

interface PendingEntry {
  values: SqlValue[];
  resolve(id: number): void;
  reject(error: unknown): void;
}

/**
 * The question log and feedback (tables `question_log`, `feedback`), PostgreSQL. Entries added in the same
 * event-loop turn outside a transaction go to the database in one INSERT (a round trip and a statement per
 * answer were a measurable part of an instance's CPU, see README "Under load"); one inside a transaction is
 * written at once, on the transaction's connection.
 */
export class PgQuestionLog extends SqlQuestionLog {
  private queue: PendingEntry[] = [];
  private scheduled = false;

  constructor(private readonly db: PgDatabase) {
    super(db);
  }

  add(e: Omit<LoggedQuestion, 'id'>): Promise<number> {
    const values = entryValues(e);
    if (this.db.inBoundContext()) return this.addOne(values);
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ values, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    for (let i = 0; i < queue.length; i += MAX_BATCH) void this.write(queue.slice(i, i + MAX_BATCH));
  }

  private async write(batch: PendingEntry[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const rows = await this.db.all<{ id: number }>(insertOf(batch.length), batch.flatMap((p) => p.values));
        if (rows.length !== batch.length) throw new Error(`logging ${batch.length} questions returned ${rows.length} ids`);
        // One statement's rows take their ids from the sequence in the order VALUES lists them;
        // RETURNING promises no order, so sort.
        const ids = rows.map((r) => r.id).sort((a, b) => a - b);
        batch.forEach((p, i) => p.resolve(ids[i]!));
        return;
      } catch (error) {
        // One bad entry (a repeated source key: SQLSTATE class 23) fails the statement, which then wrote
        // nothing: write them one by one, so each gets its own id or its own error, as unbatched. Any
        // other error (a lost connection) may follow a commit: retrying could log twice, so all fail.
        if (!String((error as { code?: unknown }).code).startsWith('23')) {
          for (const pending of batch) pending.reject(error);
          return;
        }
      }
    }
    for (const pending of batch) this.addOne(pending.values).then(pending.resolve, pending.reject);
  }

  private async addOne(values: SqlValue[]): Promise<number> {
    const row = await this.db.get<{ id: number }>(`${QUESTION_LOG_INSERT} RETURNING id`, values);
    if (!row) throw new Error('logging a question returned no id');
    return row.id;
  }
}

const inserts = new Map<number, string>();

/** The insert of `n` entries, returning their ids. */
function insertOf(n: number): string {
  let sql = inserts.get(n);
  if (!sql) {
    const [head, row] = QUESTION_LOG_INSERT.split(/VALUES\s*/);
    sql = `${head}VALUES ${Array.from({ length: n }, () => row!.trim()).join(', ')} RETURNING id`;
    inserts.set(n, sql);
  }
  return sql;
}
