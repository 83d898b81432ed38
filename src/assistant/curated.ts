import { fold } from '../text/normalize.js';
import type { CuratedAnswerStore } from '../escalation/stores.js';
import type { CuratedAnswer } from '../escalation/types.js';
import type { AnswerSearcher } from './ports.js';

export interface CuratedMatch {
  answer: CuratedAnswer;
  /** Cosine similarity of the two questions' vectors. */
  similarity: number;
}

/**
 * Stage 1: expert answers an admin approved, matched against a new question before normal retrieval
 * (Dify's annotation reply). Questions are compared with the retrieval's own vectors (abbreviations
 * expanded, same embedding); only a close match, above a strict threshold, counts.
 */
/** How long the list of approved answers is reused when this process did not change it (another process may have). */
const LIST_TTL_MS = 2_000;

export class CuratedMatcher {
  private readonly vectors = new Map<number, { key: string; vector: number[] }>();
  private list: { revision: number; at: number; answers: CuratedAnswer[] } | undefined;
  private readonly searcherIds = new WeakMap<object, number>();
  private searchersSeen = 0;

  constructor(
    private readonly store: CuratedAnswerStore,
    private readonly minSimilarity: number,
  ) {}

  async match(question: string, searcher: AnswerSearcher): Promise<CuratedMatch | undefined> {
    const active = await this.activeAnswers();
    if (active.length === 0) return undefined;
    const typed = comparableQuestion(question);
    const same = active.find((a) => comparableQuestion(a.question) === typed);
    if (same) return { answer: same, similarity: 1 };
    const query = await searcher.embedQuestion(fold(question));
    if (!query) return undefined;
    let best: CuratedMatch | undefined;
    for (const answer of active) {
      const vector = await this.vectorOf(answer, searcher);
      const similarity = cosine(query, vector);
      if (!best || similarity > best.similarity) best = { answer, similarity };
    }
    return best && best.similarity >= this.minSimilarity ? best : undefined;
  }

  /** The approved answers, read again when this process changed them or after LIST_TTL_MS. */
  private async activeAnswers(): Promise<CuratedAnswer[]> {
    const now = Date.now();
    const { revision } = this.store;
    if (this.list && this.list.revision === revision && now - this.list.at < LIST_TTL_MS) return this.list.answers;
    const answers = await this.store.listActive();
    this.list = { revision, at: now, answers };
    return answers;
  }

  /** A number for each searcher this matcher has met (a new one after a re-index). */
  private searcherId(searcher: object): number {
    let id = this.searcherIds.get(searcher);
    if (id === undefined) {
      id = ++this.searchersSeen;
      this.searcherIds.set(searcher, id);
    }
    return id;
  }

  private async vectorOf(answer: CuratedAnswer, searcher: AnswerSearcher): Promise<number[]> {
    // Re-embed when the question was edited, or when the searcher (and so its embedding) was rebuilt.
    const key = `${answer.question}\u0000${this.searcherId(searcher)}`;
    const cached = this.vectors.get(answer.id);
    if (cached?.key === key) return cached.vector;
    const vector = (await searcher.embedQuestion(fold(answer.question))) ?? [];
    this.vectors.set(answer.id, { key, vector });
    return vector;
  }
}


/**
 * Questions compared as typed matters not: without diacritics, case and punctuation. (Both sides are also
 * embedded folded, so "ho so mai tang" meets an approved "Hồ sơ mai táng…"; abbreviations are expanded by
 * the searcher's own analysis.)
 */
function comparableQuestion(question: string): string {
  return fold(question.toLowerCase()).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    dot += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return aa && bb ? dot / Math.sqrt(aa * bb) : 0;
}
