/* Curated answers approved by experts (table `curated_answers`), PostgreSQL. */
import type { NewCuratedAnswer } from '../../escalation/stores.js';
import type { CuratedAnswer } from '../../escalation/types.js';
import { APPROVAL_COLUMNS, APPROVAL_PLACEHOLDERS, approvalValues, SqlCuratedAnswerStore, toCurated, type CuratedRow } from '../shared/curated.js';
import { directWrite } from '../shared/sql.js';
import type { PgDatabase } from './pg-database.js';

export class PgCuratedAnswerStore extends SqlCuratedAnswerStore {
  constructor(private readonly db: PgDatabase) {
    super(db, directWrite);
  }

  /**
   * One statement on the unique index of a ticket's curated answer: two instances approving the same
   * ticket at once leave one row, as approving it twice in turn does (hits kept, reactivated).
   */
  upsert(answer: NewCuratedAnswer): Promise<CuratedAnswer> {
    return this.write(async () => {
      const [row] = await this.db.all<CuratedRow>(
        `INSERT INTO curated_answers (${APPROVAL_COLUMNS.join(', ')}, source_ticket_id) VALUES (${APPROVAL_PLACEHOLDERS})
         ON CONFLICT (source_ticket_id) WHERE source_ticket_id IS NOT NULL
         DO UPDATE SET ${APPROVAL_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}, active = 1
         RETURNING *`,
        [...approvalValues(answer), answer.sourceTicketId ?? null],
      );
      if (!row) throw new Error('saving a curated answer returned no row');
      return toCurated(row);
    });
  }
}
