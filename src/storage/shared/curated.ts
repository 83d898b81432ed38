/* Curated answers (table `curated_answers`): rows, records and all but the upsert, shared by both engines. */
import type { SqlValue } from '../database.js';
import type { CuratedAnswerStore, NewCuratedAnswer } from '../../escalation/stores.js';
import { normalizeTopic } from '../../escalation/topics.js';
import type { CuratedAnswer } from '../../escalation/types.js';
import { sourcesFromJson, sourcesToJson, type PassageSource } from '../provenance.js';
import type { SqlRunner, WriteScope } from './sql.js';

export interface CuratedRow {
  id: number;
  question: string;
  answer: string;
  source_ticket_id: number | null;
  expert_id: number | null;
  answered_at: string | null;
  approved_by: number | null;
  approved_at: string;
  topic: string | null;
  hits: number;
  active: number;
  updated_at: string;
  sources_json: string | null;
}

/** The columns an approval sets, in the order of `approvalValues`. */
export const APPROVAL_COLUMNS = ['question', 'answer', 'expert_id', 'answered_at', 'approved_by', 'approved_at', 'topic', 'updated_at', 'sources_json'] as const;

/** `?, ?, …` for the approval columns and the source ticket. */
export const APPROVAL_PLACEHOLDERS = [...APPROVAL_COLUMNS, 'source_ticket_id'].map(() => '?').join(', ');

export function approvalValues(answer: NewCuratedAnswer): SqlValue[] {
  return [
    answer.question,
    answer.answer,
    answer.expertId ?? null,
    answer.answeredAt ?? null,
    answer.approvedBy ?? null,
    answer.approvedAt,
    normalizeTopic(answer.topic) ?? null,
    answer.approvedAt,
    sourcesToJson(answer.sources),
  ];
}

export abstract class SqlCuratedAnswerStore implements CuratedAnswerStore {
  revision = 0;

  constructor(
    protected readonly sql: SqlRunner,
    private readonly scope: WriteScope,
  ) {}

  abstract upsert(answer: NewCuratedAnswer): Promise<CuratedAnswer>;

  /** Runs a write and moves `revision` on (after it, so a reader that saw the old revision reloads). */
  protected write<T>(work: () => Promise<T>): Promise<T> {
    return this.scope(work).finally(() => (this.revision += 1));
  }

  async get(id: number): Promise<CuratedAnswer | undefined> {
    const row = await this.sql.get<CuratedRow>('SELECT * FROM curated_answers WHERE id = ?', [id]);
    return row && toCurated(row);
  }

  async getBySourceTicket(ticketId: number): Promise<CuratedAnswer | undefined> {
    const row = await this.sql.get<CuratedRow>('SELECT * FROM curated_answers WHERE source_ticket_id = ?', [ticketId]);
    return row && toCurated(row);
  }

  async listActive(): Promise<CuratedAnswer[]> {
    return (await this.sql.all<CuratedRow>('SELECT * FROM curated_answers WHERE active = 1 ORDER BY id')).map(toCurated);
  }

  async listAll(): Promise<CuratedAnswer[]> {
    return (await this.sql.all<CuratedRow>('SELECT * FROM curated_answers ORDER BY active DESC, hits DESC, id')).map(toCurated);
  }

  edit(id: number, patch: { question: string; answer: string; topic?: string; sources?: readonly PassageSource[] }, now: string): Promise<boolean> {
    const values: SqlValue[] = [patch.question, patch.answer, normalizeTopic(patch.topic) ?? null, now];
    if (patch.sources) values.push(sourcesToJson(patch.sources));
    return this.write(
      async () =>
        (
          await this.sql.run(
            `UPDATE curated_answers SET question = ?, answer = ?, topic = ?, updated_at = ?${patch.sources ? ', sources_json = ?' : ''} WHERE id = ?`,
            [...values, id],
          )
        ).changes === 1,
    );
  }

  reapprove(id: number, approval: { approvedBy: number; at: string; sources: readonly PassageSource[] }): Promise<boolean> {
    return this.write(
      async () =>
        (
          await this.sql.run('UPDATE curated_answers SET approved_by = ?, approved_at = ?, updated_at = ?, sources_json = ? WHERE id = ?', [
            approval.approvedBy,
            approval.at,
            approval.at,
            sourcesToJson(approval.sources),
            id,
          ])
        ).changes === 1,
    );
  }

  recordHit(id: number): Promise<void> {
    return this.scope(async () => {
      await this.sql.run('UPDATE curated_answers SET hits = hits + 1 WHERE id = ?', [id]);
    });
  }

  setActive(id: number, active: boolean, now: string): Promise<boolean> {
    return this.write(
      async () => (await this.sql.run('UPDATE curated_answers SET active = ?, updated_at = ? WHERE id = ?', [active ? 1 : 0, now, id])).changes === 1,
    );
  }
}

export function toCurated(r: CuratedRow): CuratedAnswer {
  return {
    id: r.id,
    question: r.question,
    answer: r.answer,
    ...(r.source_ticket_id !== null && { sourceTicketId: r.source_ticket_id }),
    ...(r.expert_id !== null && { expertId: r.expert_id }),
    ...(r.answered_at !== null && { answeredAt: r.answered_at }),
    ...(r.approved_by !== null && { approvedBy: r.approved_by }),
    approvedAt: r.approved_at,
    ...(r.topic !== null && { topic: r.topic }),
    hits: r.hits,
    active: r.active === 1,
    updatedAt: r.updated_at,
    ...(r.sources_json !== null && { sources: sourcesFromJson(r.sources_json) }),
  };
}
