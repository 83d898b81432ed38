/* The question log and feedback (tables `question_log`, `feedback`): rows, records and all but `add`, for both engines. */
import type { FeedbackValue, LoggedQuestion, QuestionLogStore } from '../../assistant/question-log.js';
import type { AnswerCitation, AnswerStage, Asker } from '../../assistant/types.js';
import type { SqlValue } from '../database.js';
import { sourcesFromJson, sourcesToJson, type SourcedAnswer } from '../provenance.js';
import { askerValues, type SqlRunner } from './sql.js';

/** A row of `question_log`. */
export interface QuestionLogRow {
  id: number;
  channel: string;
  chat_id: string;
  user_id: string;
  display_name: string | null;
  commune: string | null;
  question: string;
  query: string;
  stage: AnswerStage;
  confidence: number;
  reason: string | null;
  ticket_id: number | null;
  curated_id: number | null;
  doc_id: string | null;
  topic: string | null;
  citations_json: string;
  latency_ms: number;
  created_at: string;
  source_key: string | null;
  reply_text: string | null;
  sources_json: string | null;
}

/** The insert of an entry (values from `entryValues`). */
export const QUESTION_LOG_INSERT = `INSERT INTO question_log (channel, chat_id, user_id, display_name, commune, question, query, stage, confidence,
    reason, ticket_id, curated_id, doc_id, topic, citations_json, latency_ms, created_at, source_key, reply_text, sources_json)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export function entryValues(e: Omit<LoggedQuestion, 'id'>): SqlValue[] {
  return [
    ...askerValues(e.asker),
    e.question,
    e.query,
    e.stage,
    e.confidence,
    e.reason ?? null,
    e.ticketId ?? null,
    e.curatedId ?? null,
    e.docId ?? null,
    e.topic ?? null,
    JSON.stringify(e.citations),
    e.latencyMs,
    e.createdAt,
    e.sourceKey ?? null,
    e.replyText ?? null,
    sourcesToJson(e.sources),
  ];
}

export abstract class SqlQuestionLog implements QuestionLogStore {
  constructor(protected readonly sql: SqlRunner) {}

  abstract add(entry: Omit<LoggedQuestion, 'id'>): Promise<number>;

  async get(id: number): Promise<LoggedQuestion | undefined> {
    return toEntry(await this.sql.get<QuestionLogRow>('SELECT * FROM question_log WHERE id = ?', [id]));
  }

  async findBySource(sourceKey: string): Promise<LoggedQuestion | undefined> {
    return toEntry(await this.sql.get<QuestionLogRow>('SELECT * FROM question_log WHERE source_key = ?', [sourceKey]));
  }

  async attachTicket(id: number, ticketId: number): Promise<void> {
    await this.sql.run('UPDATE question_log SET ticket_id = ? WHERE id = ?', [ticketId, id]);
  }

  async addFeedback(questionId: number, value: FeedbackValue, asker: Pick<Asker, 'channel' | 'userId'>, at: string): Promise<void> {
    await this.sql.run(
      `INSERT INTO feedback (question_id, value, channel, user_id, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (question_id, user_id) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`,
      [questionId, value, asker.channel, asker.userId, at],
    );
  }

  async feedbackFor(questionId: number): Promise<{ value: FeedbackValue; userId: string }[]> {
    const rows = await this.sql.all<{ value: FeedbackValue; user_id: string }>('SELECT value, user_id FROM feedback WHERE question_id = ? ORDER BY id', [
      questionId,
    ]);
    return rows.map((r) => ({ value: r.value, userId: r.user_id }));
  }

  async sourcedSince(since: string): Promise<SourcedAnswer[]> {
    const rows = await this.sql.all<QuestionLogRow>(
      `SELECT id, channel, chat_id, user_id, display_name, commune, question, stage, curated_id, created_at, sources_json
       FROM question_log WHERE created_at >= ? AND sources_json IS NOT NULL ORDER BY created_at, id`,
      [since],
    );
    return rows.map((r) => ({
      id: r.id,
      question: r.question,
      channel: r.channel,
      chatId: r.chat_id,
      userId: r.user_id,
      ...(r.display_name && { displayName: r.display_name }),
      ...(r.commune && { commune: r.commune }),
      stage: r.stage,
      ...(r.curated_id !== null && { curatedId: r.curated_id }),
      askedAt: r.created_at,
      sources: sourcesFromJson(r.sources_json),
    }));
  }
}

function toEntry(r: QuestionLogRow | undefined): LoggedQuestion | undefined {
  if (!r) return undefined;
  const entry: LoggedQuestion = {
    id: r.id,
    asker: { channel: r.channel, chatId: r.chat_id, userId: r.user_id },
    question: r.question,
    query: r.query,
    stage: r.stage,
    confidence: r.confidence,
    citations: JSON.parse(r.citations_json) as AnswerCitation[],
    latencyMs: r.latency_ms,
    createdAt: r.created_at,
  };
  if (r.display_name) entry.asker.displayName = r.display_name;
  if (r.commune) entry.asker.commune = r.commune;
  if (r.reason) entry.reason = r.reason;
  if (r.ticket_id !== null) entry.ticketId = r.ticket_id;
  if (r.curated_id !== null) entry.curatedId = r.curated_id;
  if (r.doc_id) entry.docId = r.doc_id;
  if (r.topic) entry.topic = r.topic;
  if (r.source_key) entry.sourceKey = r.source_key;
  if (r.reply_text !== null) entry.replyText = r.reply_text;
  const sources = sourcesFromJson(r.sources_json);
  if (sources.length > 0) entry.sources = sources;
  return entry;
}
