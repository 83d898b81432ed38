/* Curated answers approved by experts (table `curated_answers`), SQLite. */
import type { Database } from '../database.js';
import type { NewCuratedAnswer } from '../../escalation/stores.js';
import type { CuratedAnswer } from '../../escalation/types.js';
import { APPROVAL_COLUMNS, APPROVAL_PLACEHOLDERS, approvalValues, SqlCuratedAnswerStore } from '../shared/curated.js';
import type { SqliteUnitOfWork } from './unit-of-work.js';

export class SqliteCuratedAnswerStore extends SqlCuratedAnswerStore {
  constructor(
    private readonly db: Database,
    uow: SqliteUnitOfWork,
  ) {
    super(db, (work) => uow.run(work));
  }

  upsert(answer: NewCuratedAnswer): Promise<CuratedAnswer> {
    return this.write(async () => {
      const existing = answer.sourceTicketId === undefined ? undefined : await this.getBySourceTicket(answer.sourceTicketId);
      const values = approvalValues(answer);
      let id: number;
      if (existing) {
        await this.db.run(`UPDATE curated_answers SET ${APPROVAL_COLUMNS.map((c) => `${c} = ?`).join(', ')}, active = 1 WHERE id = ?`, [
          ...values,
          existing.id,
        ]);
        id = existing.id;
      } else {
        ({ lastID: id } = await this.db.run(
          `INSERT INTO curated_answers (${APPROVAL_COLUMNS.join(', ')}, source_ticket_id) VALUES (${APPROVAL_PLACEHOLDERS})`,
          [...values, answer.sourceTicketId ?? null],
        ));
      }
      const saved = await this.get(id);
      if (!saved) throw new Error(`curated answer ${id} vanished after write`);
      return saved;
    });
  }
}
