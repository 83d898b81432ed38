import type { StoredPassage } from '../storage/knowledge-store.js';

/** Topics every document shares: they say nothing about two documents being about one benefit. */
export const BROAD_TOPICS: ReadonlySet<string> = new Set(['nguoi-co-cong', 'nghi-dinh', 'thu-tuc-hanh-chinh', 'cap-xa', 'chinh-quyen-2-cap', 'ho-so', 'muc-huong']);

/**
 * The opening passages of the procedures ("Thủ tục …: nộp Bản khai Mẫu số 09 … tại UBND cấp xã") by the topics
 * they are about. A document on who qualifies ("Điều kiện công nhận nhiễm chất độc hóa học") names no form; the
 * procedure of the same benefit does, and says where to file it.
 */
export class ProcedureOpenings {
  private readonly byTopic = new Map<string, StoredPassage[]>();

  constructor(passages: readonly StoredPassage[]) {
    for (const passage of passages) {
      if (passage.ordinal !== 0 || passage.meta.doc_type !== 'thu-tuc') continue;
      for (const topic of passage.meta.topic ?? []) {
        if (BROAD_TOPICS.has(topic)) continue;
        this.byTopic.set(topic, [...(this.byTopic.get(topic) ?? []), passage]);
      }
    }
  }

  /**
   * The opening of the procedure of the benefit the passage's document is about: the one that shares its rarest
   * topics ("dung-cu-chinh-hinh", not "thuong-binh", which several procedures share). None when they share only
   * such broad ones.
   */
  of(passage: StoredPassage): StoredPassage[] {
    const score = new Map<StoredPassage, number>();
    for (const topic of passage.meta.topic ?? []) {
      const openings = (this.byTopic.get(topic) ?? []).filter((opening) => opening.docId !== passage.docId);
      if (openings.length === 0 || openings.length > MAX_SHARING) continue;
      for (const opening of openings) score.set(opening, (score.get(opening) ?? 0) + 1 / openings.length);
    }
    const best = [...score].sort((a, b) => b[1] - a[1])[0];
    return best ? [best[0]] : [];
  }
}

/** A topic more procedures share than this names a group of people, not one benefit. */
const MAX_SHARING = 2;
