import type { AbbreviationDictionary } from './abbreviations.js';
import { isStopWord, tokenize, type Token } from './tokenize.js';

/** A weighted index term of a query. */
export interface QueryTerm {
  term: string;
  weight: number;
  /** Term to use instead when `term` occurs nowhere in the index (a forgotten or wrong mark). */
  fallback?: string;
  /** An alternative wording (the abbreviation as typed, a synonym, a folded fallback): scored, but not part of what the question must cover. */
  alternative?: boolean;
}

export interface QueryAnalysisOptions {
  /** Weight of a single-syllable term. */
  unigramWeight: number;
  /** Weight of an adjacent-syllable term. */
  bigramWeight: number;
  /** Weight of the abbreviation itself when it was replaced or is ambiguous ("ncc" stays a term of its own, so "ncc là gì" finds the glossary). */
  abbreviationWeight: number;
  /** Weight of the folded form added beside an unmarked syllable of an accented query (a forgotten mark). */
  foldedFallbackWeight: number;
  /** Share of marked syllables from which a query counts as typed with diacritics. */
  accentedQueryRatio: number;
}

export const DEFAULT_QUERY_ANALYSIS: QueryAnalysisOptions = {
  unigramWeight: 1,
  bigramWeight: 1,
  abbreviationWeight: 1,
  foldedFallbackWeight: 0.2,
  accentedQueryRatio: 0.3,
};

interface QueryToken {
  token: Token;
  /** 'accented' terms match the exact marks; 'folded' terms match any marks. */
  mode: 'accented' | 'folded';
  /** An ambiguous abbreviation kept as typed ("tb"): scored, but not part of what the question must cover. */
  weak?: boolean;
}

export interface AnalyzedQuery {
  terms: QueryTerm[];
  /** The query as the engine understood it, abbreviations expanded (for logs and the admin test panel). */
  expanded: string;
  typedWithDiacritics: boolean;
}

/**
 * Turns a question into weighted index terms. Syllables typed with marks match exactly; a query typed
 * without marks matches on the folded form; in a query typed with marks an unmarked syllable is taken
 * as written (ma ≠ má), with a weak folded fallback. A replaced abbreviation is expanded in place, so that
 * the expansion forms bigrams with its neighbours ("hs mai tang" → hồ sơ mai tang); a synonym ("chết" ~
 * từ trần) is searched beside the typed words, which still count; an ambiguous abbreviation ("tb": thương
 * binh or thông báo) is kept as a weak term, with its readings searched beside it.
 */
export function analyzeQuery(
  query: string,
  dictionary: AbbreviationDictionary,
  options: QueryAnalysisOptions = DEFAULT_QUERY_ANALYSIS,
): AnalyzedQuery {
  // Tokenized word by word (the same tokens as tokenize(query)) to see which letters are glued to a number.
  const raw: Token[] = [];
  const inDocumentNumber: boolean[] = [];
  for (const word of query.normalize('NFC').split(/\s+/)) {
    let afterNumber = false;
    for (const token of tokenize(word)) {
      raw.push(token);
      // Letters joined to a number before them belong to a document number ("131/2021/NĐ-CP", "195-KL/TW"):
      // they are not abbreviations. After a space they are ("2 ls", "81% chết").
      inDocumentNumber.push(afterNumber && !token.numeric);
      if (token.numeric) afterNumber = true;
    }
  }
  const letters = raw.filter((t) => !t.numeric);
  const marked = letters.filter((t) => t.marked).length;
  const typedWithDiacritics = letters.length > 0 && marked / letters.length >= options.accentedQueryRatio;
  const modeOf = (token: Token): QueryToken['mode'] =>
    token.numeric || token.marked || typedWithDiacritics ? 'accented' : 'folded';

  const sequence: QueryToken[] = [];
  const weights = new Map<string, QueryTerm>();
  const add = (term: string, weight: number, fallback?: string, alternative = false): void => {
    const existing = weights.get(term);
    if (existing) {
      existing.weight += weight;
      if (fallback && !existing.fallback) existing.fallback = fallback;
      if (!alternative) delete existing.alternative;
    } else {
      const created: QueryTerm = { term, weight };
      if (fallback) created.fallback = fallback;
      if (alternative) created.alternative = true;
      weights.set(term, created);
    }
  };
  const addAlternative = (term: string, weight: number): void => add(term, weight, undefined, true);

  for (let i = 0; i < raw.length; ) {
    const hit = inDocumentNumber[i] ? undefined : dictionary.match(raw, i);
    if (!hit) {
      sequence.push({ token: raw[i]!, mode: modeOf(raw[i]!) });
      i += 1;
      continue;
    }
    const typed = raw.slice(i, i + hit.length);
    if (hit.mode === 'replace') {
      addAlternative('f:' + typed.map((t) => t.folded).join(' '), options.abbreviationWeight);
      const [first, ...others] = hit.expansions;
      for (const token of first!) sequence.push({ token, mode: 'accented' });
      for (const alternative of others) addPhrase(alternative, options, addAlternative);
    } else {
      // A synonym ('add') keeps what was typed as part of the question; an ambiguous abbreviation
      // ('maybe') keeps it as a weak term. Either way the expansions are searched beside it.
      const kept = typed.map((token) => ({ token, mode: modeOf(token), weak: hit.mode === 'maybe' }));
      sequence.push(...kept);
      const already = typedTerms(kept);
      for (const alternative of hit.expansions) addPhrase(alternative, options, addAlternative, already);
    }
    i += hit.length;
  }

  for (let i = 0; i < sequence.length; i++) {
    const { token, mode, weak } = sequence[i]!;
    if (weak) {
      addAlternative('f:' + token.folded, options.abbreviationWeight);
    } else if (!isStopWord(token, mode)) {
      if (mode === 'accented') {
        add('a:' + token.accented, options.unigramWeight, token.numeric ? undefined : 'f:' + token.folded);
        if (!token.marked && !token.numeric) addAlternative('f:' + token.folded, options.foldedFallbackWeight);
      } else {
        add('f:' + token.folded, options.unigramWeight);
      }
    }
    const next = sequence[i + 1];
    if (!next || (isStopWord(token, mode) && isStopWord(next.token, next.mode))) continue;
    const folded = 'f:' + token.folded + ' ' + next.token.folded;
    // A pair with a question word in it ("sĩ bao") carries word order, not content: scored, not required.
    // So does a pair with an ambiguous abbreviation in it ("tb cho").
    const glue = isStopWord(token, mode) || isStopWord(next.token, next.mode) || weak === true || next.weak === true;
    if (mode === 'accented' && next.mode === 'accented') {
      add('a:' + token.accented + ' ' + next.token.accented, options.bigramWeight, folded, glue);
    } else {
      add(folded, options.bigramWeight, undefined, glue);
    }
  }

  return {
    terms: [...weights.values()],
    expanded: sequence.map((q) => q.token.accented).join(' '),
    typedWithDiacritics,
  };
}

/** The terms the typed words of a key produce on their own (unigrams and adjacent pairs). */
function typedTerms(kept: readonly QueryToken[]): Set<string> {
  const terms = new Set<string>();
  kept.forEach(({ token, mode }, i) => {
    terms.add(mode === 'accented' ? 'a:' + token.accented : 'f:' + token.folded);
    const next = kept[i + 1];
    if (next) {
      if (mode === 'accented' && next.mode === 'accented') terms.add('a:' + token.accented + ' ' + next.token.accented);
      else terms.add('f:' + token.folded + ' ' + next.token.folded);
    }
  });
  return terms;
}

/**
 * Adds an expansion at half weight: its syllables (question and function words left out) and adjacent
 * pairs. A term the typed words already give (the "liệt" of "liệt sỹ" after "liệt sĩ") is not added twice;
 * and when the expansion shares a syllable with the typed words, it is another wording of the same phrase
 * ("hàng tháng" / "hằng tháng", "bố đẻ" / "cha đẻ"): only its pairs are added, since its other syllables
 * alone ("sỹ", "hằng", "cha") say little.
 */
function addPhrase(
  tokens: Token[],
  options: QueryAnalysisOptions,
  add: (term: string, weight: number) => void,
  already: ReadonlySet<string> = new Set(),
): void {
  const given = (accented: string, folded: string): boolean => already.has('a:' + accented) || already.has('f:' + folded);
  const variant = tokens.length > 1 && tokens.some((t) => given(t.accented, t.folded));
  tokens.forEach((token, i) => {
    if (!variant && !isStopWord(token, 'accented') && !given(token.accented, token.folded)) add('a:' + token.accented, options.unigramWeight * 0.5);
    const next = tokens[i + 1];
    if (next && !given(token.accented + ' ' + next.accented, token.folded + ' ' + next.folded)) {
      add('a:' + token.accented + ' ' + next.accented, options.bigramWeight * 0.5);
    }
  });
}
