import type { Database } from '../database.js';
import type { QuestionLogRow } from '../shared/question-log.js';
import type { ExportedQuestion, LabelCount, QuestionActivity, ReportingRepository, TimeRange } from '../ports.js';

type ExportRow = Pick<
  QuestionLogRow,
  'id' | 'created_at' | 'channel' | 'display_name' | 'commune' | 'question' | 'stage' | 'confidence' | 'reason' | 'ticket_id' | 'curated_id' | 'doc_id' | 'topic' | 'latency_ms'
> & { feedback: string | null };

/** Dashboard figures and exports over question_log, feedback and tickets, SQLite. */
export class SqliteReportingRepository implements ReportingRepository {
  constructor(private readonly db: Database) {}

  async questionActivity(range: TimeRange): Promise<QuestionActivity> {
    const { db } = this;
    const params = [range.start, range.end];
    const perDay = await db.all<{ day: string; channel: string; n: number }>(
      `SELECT date(created_at, '+7 hours') AS day, channel, COUNT(*) AS n FROM question_log
       WHERE created_at >= ? AND created_at < ? GROUP BY day, channel ORDER BY day`,
      params,
    );
    const byStage = await db.all<{ stage: string; n: number }>(
      'SELECT stage, COUNT(*) AS n FROM question_log WHERE created_at >= ? AND created_at < ? GROUP BY stage ORDER BY n DESC',
      params,
    );
    const open = await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM tickets WHERE status IN ('open', 'assigned')");
    const created = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM tickets WHERE created_at >= ? AND created_at < ?', params);
    const feedback = await db.get<{ answers: number; unhelpful: number | null; helpful: number | null }>(
      `SELECT COUNT(*) AS answers,
              SUM(EXISTS (SELECT 1 FROM feedback f WHERE f.question_id = q.id AND f.value = 'unhelpful')) AS unhelpful,
              SUM(EXISTS (SELECT 1 FROM feedback f WHERE f.question_id = q.id AND f.value = 'helpful')) AS helpful
       FROM question_log q WHERE q.stage IN ('retrieval', 'curated') AND q.created_at >= ? AND q.created_at < ?`,
      params,
    );
    const topTopics = await db.all<LabelCount>(
      `SELECT COALESCE(q.topic, t.topic) AS label, COUNT(*) AS n FROM question_log q LEFT JOIN tickets t ON t.id = q.ticket_id
       WHERE q.created_at >= ? AND q.created_at < ? AND COALESCE(q.topic, t.topic) IS NOT NULL
       GROUP BY label ORDER BY n DESC, label LIMIT 10`,
      params,
    );
    const topCommunes = await db.all<LabelCount>(
      `SELECT commune AS label, COUNT(*) AS n FROM question_log
       WHERE created_at >= ? AND created_at < ? AND commune IS NOT NULL AND commune <> ''
       GROUP BY commune ORDER BY n DESC, commune LIMIT 10`,
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
              (SELECT group_concat(value, ';') FROM feedback f WHERE f.question_id = q.id) AS feedback
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
