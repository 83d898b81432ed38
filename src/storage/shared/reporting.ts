import type { ExportedQuestion, LabelCount, QuestionActivity, ReportingRepository, TimeRange } from '../ports.js';
import type { QuestionLogRow } from './question-log.js';
import type { SqlReader } from './sql.js';

type ExportRow = Pick<
  QuestionLogRow,
  'id' | 'created_at' | 'channel' | 'display_name' | 'commune' | 'question' | 'stage' | 'confidence' | 'reason' | 'ticket_id' | 'curated_id' | 'doc_id' | 'topic' | 'latency_ms'
> & { feedback: string | null };

/** The few expressions the reports write differently per engine. */
export interface ReportingDialect {
  /** The Vietnamese day (UTC+7) of the ISO text column `created_at`, as `YYYY-MM-DD`. */
  vietnamDay: string;
  /** 1 when the boolean condition holds, else 0. */
  flag(condition: string): string;
  /** The `value` column of the feedback rows `f` joined with `;`, in the order they were given. */
  feedbackValues: string;
  /** Collates a text column a report sorts on byte-wise, as SQLite sorts ('' on SQLite). */
  textOrder: string;
}

/** Dashboard figures and exports over question_log, feedback and tickets, for both engines. */
export class SqlReportingRepository implements ReportingRepository {
  constructor(
    private readonly db: SqlReader,
    private readonly dialect: ReportingDialect,
  ) {}

  async questionActivity(range: TimeRange): Promise<QuestionActivity> {
    const { db, dialect } = this;
    const params = [range.start, range.end];
    const perDay = await db.all<{ day: string; channel: string; n: number }>(
      `SELECT ${dialect.vietnamDay} AS day, channel${dialect.textOrder} AS channel, COUNT(*) AS n FROM question_log
       WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2 ORDER BY 1, 2`,
      params,
    );
    const byStage = await db.all<{ stage: string; n: number }>(
      `SELECT stage${dialect.textOrder} AS stage, COUNT(*) AS n FROM question_log WHERE created_at >= ? AND created_at < ? GROUP BY 1 ORDER BY n DESC, 1`,
      params,
    );
    const open = await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM tickets WHERE status IN ('open', 'assigned')");
    const created = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM tickets WHERE created_at >= ? AND created_at < ?', params);
    const feedback = await db.get<{ answers: number; unhelpful: number | null; helpful: number | null }>(
      `SELECT COUNT(*) AS answers,
              SUM(${dialect.flag("EXISTS (SELECT 1 FROM feedback f WHERE f.question_id = q.id AND f.value = 'unhelpful')")}) AS unhelpful,
              SUM(${dialect.flag("EXISTS (SELECT 1 FROM feedback f WHERE f.question_id = q.id AND f.value = 'helpful')")}) AS helpful
       FROM question_log q WHERE q.stage IN ('retrieval', 'curated') AND q.created_at >= ? AND q.created_at < ?`,
      params,
    );
    const topTopics = await db.all<LabelCount>(
      `SELECT COALESCE(q.topic, t.topic)${dialect.textOrder} AS label, COUNT(*) AS n FROM question_log q LEFT JOIN tickets t ON t.id = q.ticket_id
       WHERE q.created_at >= ? AND q.created_at < ? AND COALESCE(q.topic, t.topic) IS NOT NULL
       GROUP BY 1 ORDER BY n DESC, 1 LIMIT 10`,
      params,
    );
    const topCommunes = await db.all<LabelCount>(
      `SELECT commune${dialect.textOrder} AS label, COUNT(*) AS n FROM question_log
       WHERE created_at >= ? AND created_at < ? AND commune IS NOT NULL AND commune <> ''
       GROUP BY 1 ORDER BY n DESC, 1 LIMIT 10`,
      params,
    );
    return {
      perDay,
      byStage,
      openTickets: open?.n ?? 0,
      ticketsCreated: created?.n ?? 0,
      answers: feedback?.answers ?? 0,
      unhelpfulAnswers: feedback?.unhelpful ?? 0,
      helpfulAnswers: feedback?.helpful ?? 0,
      topTopics,
      topCommunes,
    };
  }

  async questionsForExport(range: TimeRange): Promise<ExportedQuestion[]> {
    const rows = await this.db.all<ExportRow>(
      `SELECT q.id, q.created_at, q.channel, q.display_name, q.commune, q.question, q.stage, q.confidence, q.reason, q.ticket_id,
              q.curated_id, q.doc_id, q.topic, q.latency_ms,
              (SELECT ${this.dialect.feedbackValues} FROM feedback f WHERE f.question_id = q.id) AS feedback
       FROM question_log q WHERE q.created_at >= ? AND q.created_at < ? ORDER BY q.id`,
      [range.start, range.end],
    );
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      channel: r.channel,
      displayName: r.display_name,
      commune: r.commune,
      question: r.question,
      stage: r.stage,
      confidence: r.confidence,
      reason: r.reason,
      ticketId: r.ticket_id,
      curatedId: r.curated_id,
      docId: r.doc_id,
      topic: r.topic,
      feedback: r.feedback,
      latencyMs: r.latency_ms,
    }));
  }
}
