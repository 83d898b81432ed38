import { tokenize } from '../text/tokenize.js';
import type { QueryTerm } from '../text/query.js';
import { topK } from './top-k.js';

/** A passage as the lexical index sees it: a title field (document title and heading path) and a body. */
export interface IndexablePassage {
  title: string;
  body: string;
}

export interface Bm25Parameters {
  k1: number;
  /** Length normalisation of the title field. */
  bTitle: number;
  /** Length normalisation of the body field. */
  bBody: number;
  /** How much one title occurrence counts against one body occurrence. */
  titleWeight: number;
}

export const DEFAULT_BM25: Bm25Parameters = { k1: 1.0, bTitle: 0.5, bBody: 0.4, titleWeight: 3 };

export interface LexicalHit {
  /** Position of the passage in the array the index was built from. */
  index: number;
  score: number;
}

/** Title occurrences are counted in units of this, body occurrences in ones, in one packed number. */
const TITLE_UNIT = 65536;

/**
 * Dense integer ids for syllables and for terms (a syllable or a pair of syllables, in accented or
 * folded form), so that building and scoring never hash strings per occurrence.
 */
class TermDictionary {
  private readonly syllables = new Map<string, number>();
  /** By `firstSyllable * 2 + mode`: second syllable (0 for a unigram) → term id. */
  private readonly pairs: Map<number, number>[] = [];
  private count = 0;

  syllable(text: string, create: boolean): number | undefined {
    let id = this.syllables.get(text);
    if (id === undefined && create) {
      id = this.syllables.size + 1;
      this.syllables.set(text, id);
    }
    return id;
  }

  term(first: number, second: number, mode: number, create: boolean): number | undefined {
    const slot = first * 2 + mode;
    let seconds = this.pairs[slot];
    if (!seconds) {
      if (!create) return undefined;
      seconds = this.pairs[slot] = new Map();
    }
    let id = seconds.get(second);
    if (id === undefined && create) {
      id = this.count++;
      seconds.set(second, id);
    }
    return id;
  }

  /** Id of a query term written as "a:mai táng" or "f:mai", if the index has it. */
  lookup(term: string): number | undefined {
    const mode = term.startsWith('f:') ? 1 : 0;
    const space = term.indexOf(' ', 2);
    const first = this.syllable(space < 0 ? term.slice(2) : term.slice(2, space), false);
    if (first === undefined) return undefined;
    if (space < 0) return this.term(first, 0, mode, false);
    const second = this.syllable(term.slice(space + 1), false);
    return second === undefined ? undefined : this.term(first, second, mode, false);
  }
}

interface Postings {
  docs: Int32Array;
  titleTf: Uint16Array;
  bodyTf: Uint16Array;
}

/**
 * A compact in-memory BM25F index over the Vietnamese term scheme of `documentTerms`
 * (accented and folded syllables and bigrams). Immutable once built: rebuild to change it.
 */
export class LexicalIndex {
  private constructor(
    private readonly terms: TermDictionary,
    private readonly postings: Postings[],
    private readonly titleNorm: Float64Array,
    private readonly bodyNorm: Float64Array,
    readonly size: number,
    private readonly params: Bm25Parameters,
  ) {}

  static build(passages: readonly IndexablePassage[], params: Bm25Parameters = DEFAULT_BM25): LexicalIndex {
    const terms = new TermDictionary();
    const docsOf: number[][] = [];
    const tfOf: number[][] = [];
    const titleLen = new Float64Array(passages.length);
    const bodyLen = new Float64Array(passages.length);
    const counts = new Map<number, number>();
    const add = (term: number, unit: number): void => {
      counts.set(term, (counts.get(term) ?? 0) + unit);
    };
    const count = (text: string, unit: number): number => {
      const tokens = tokenize(text);
      let previousAccented = 0;
      let previousFolded = 0;
      for (const token of tokens) {
        const a = terms.syllable(token.accented, true)!;
        const f = terms.syllable(token.folded, true)!;
        add(terms.term(a, 0, 0, true)!, unit);
        add(terms.term(f, 0, 1, true)!, unit);
        if (previousAccented) {
          add(terms.term(previousAccented, a, 0, true)!, unit);
          add(terms.term(previousFolded, f, 1, true)!, unit);
        }
        previousAccented = a;
        previousFolded = f;
      }
      // Each syllable yields two unigrams and (but the first) two bigrams.
      return tokens.length ? tokens.length * 4 - 2 : 0;
    };
    passages.forEach((passage, doc) => {
      counts.clear();
      titleLen[doc] = count(passage.title, TITLE_UNIT);
      bodyLen[doc] = count(passage.body, 1);
      for (const [term, packed] of counts) {
        (docsOf[term] ??= []).push(doc);
        (tfOf[term] ??= []).push(packed);
      }
    });
    const postings: Postings[] = docsOf.map((docs, term) => {
      const packed = tfOf[term]!;
      const titleTf = new Uint16Array(packed.length);
      const bodyTf = new Uint16Array(packed.length);
      packed.forEach((p, i) => {
        titleTf[i] = Math.min(Math.floor(p / TITLE_UNIT), 65535);
        bodyTf[i] = Math.min(p % TITLE_UNIT, 65535);
      });
      return { docs: Int32Array.from(docs), titleTf, bodyTf };
    });
    const n = passages.length;
    const avgTitle = average(titleLen) || 1;
    const avgBody = average(bodyLen) || 1;
    const titleNorm = new Float64Array(n);
    const bodyNorm = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      titleNorm[i] = params.titleWeight / (1 - params.bTitle + (params.bTitle * titleLen[i]!) / avgTitle);
      bodyNorm[i] = 1 / (1 - params.bBody + (params.bBody * bodyLen[i]!) / avgBody);
    }
    return new LexicalIndex(terms, postings, titleNorm, bodyNorm, n, params);
  }

  get termCount(): number {
    return this.postings.length;
  }

  /** Inverse document frequency of a query term (0 when absent). */
  idf(term: string): number {
    return this.idfOf(this.postingsOf({ term, weight: 1 }));
  }

  /** Postings of a query term, taking its fallback when the term itself is not in the index. */
  private postingsOf(query: QueryTerm): Postings | undefined {
    const direct = this.terms.lookup(query.term);
    if (direct !== undefined || !query.fallback) return direct === undefined ? undefined : this.postings[direct];
    const fallback = this.terms.lookup(query.fallback);
    return fallback === undefined ? undefined : this.postings[fallback];
  }

  private idfOf(list: Postings | undefined): number {
    if (!list) return 0;
    const df = list.docs.length;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /** BM25F score of every passage for the query terms; passages that match nothing score 0. */
  scoreAll(terms: readonly QueryTerm[]): Float64Array {
    const scores = new Float64Array(this.size);
    const { k1 } = this.params;
    for (const query of terms) {
      const list = this.postingsOf(query);
      if (!list) continue;
      const idf = this.idfOf(list) * query.weight;
      const { docs, titleTf, bodyTf } = list;
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i]!;
        const tf = titleTf[i]! * this.titleNorm[doc]! + bodyTf[i]! * this.bodyNorm[doc]!;
        scores[doc]! += (idf * tf * (k1 + 1)) / (k1 + tf);
      }
    }
    return scores;
  }

  /** The `k` best passages, best first. */
  search(terms: readonly QueryTerm[], k: number): LexicalHit[] {
    return topK(this.scoreAll(terms), k);
  }

  /**
   * How much of the question one passage covers: the IDF-weighted share of the query's terms
   * (syllables and syllable pairs, averaged) that occur in it. A term the index has never seen counts
   * with the highest possible IDF, so a question about something the knowledge base does not know
   * (thời tiết, kết hôn) covers little.
   */
  coverage(terms: readonly QueryTerm[], passage: number): number {
    const unseen = Math.log(1 + (this.size + 0.5) / 0.5);
    const total = [0, 0];
    const matched = [0, 0];
    for (const query of terms) {
      if (query.alternative) continue;
      const kind = query.term.includes(' ') ? 1 : 0;
      const list = this.postingsOf(query);
      const weight = (list ? this.idfOf(list) : unseen) * query.weight;
      total[kind]! += weight;
      if (list && contains(list.docs, passage)) matched[kind]! += weight;
    }
    const unigrams = total[0]! > 0 ? matched[0]! / total[0]! : 0;
    // Adjacent pairs catch compounds whose syllables exist apart ("kết hôn": kết as in kết luận).
    const bigrams = total[1]! > 0 ? matched[1]! / total[1]! : unigrams;
    return (unigrams + bigrams) / 2;
  }

}

/** Binary search in ascending passage ids. */
function contains(sorted: Int32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function average(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length ? sum / values.length : 0;
}

