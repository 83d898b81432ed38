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
  /** Weight of the abbreviation itself when it was expanded ("ncc" stays a term of its own, so "ncc là gì" finds the glossary). */
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
 * as written (ma ≠ má), with a weak folded fallback. Abbreviations are expanded in place so that the
 * expansion forms bigrams with its neighbours.
 */
export function analyzeQuery(
  query: string,
  dictionary: AbbreviationDictionary,
  options: QueryAnalysisOptions = DEFAULT_QUERY_ANALYSIS,
): AnalyzedQuery {
  const raw = tokenize(query);
  const letters = raw.filter((t) => !t.numeric);
  const marked = letters.filter((t) => t.marked).length;
  const typedWithDiacritics = letters.length > 0 && marked / letters.length >= options.accentedQueryRatio;

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
    // Letters right after a number belong to a document number ("183-KL/TW", "131/2021/NĐ-CP"): not abbreviations.
    const hit = raw[i - 1]?.numeric ? undefined : dictionary.match(raw, i);
    if (hit?.kind === 'synonym') {
      // A phrase key is a synonym: keep what was typed and add the synonyms beside it.
      for (const alternative of hit.expansions) addPhrase(alternative, options, addAlternative);
    } else if (hit) {
      const original = raw.slice(i, i + hit.length);
      addAlternative('f:' + original.map((t) => t.folded).join(' '), options.abbreviationWeight);
      const [first, ...others] = hit.expansions;
      for (const token of first!) sequence.push({ token, mode: 'accented' });
      for (const alternative of others) addPhrase(alternative, options, addAlternative);
      i += hit.length;
      continue;
    }
    const token = raw[i]!;
    const mode = token.numeric || token.marked || typedWithDiacritics ? 'accented' : 'folded';
    sequence.push({ token, mode });
    i += 1;
  }

  for (let i = 0; i < sequence.length; i++) {
    const { token, mode } = sequence[i]!;
    if (!isStopWord(token, mode)) {
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
    const glue = isStopWord(token, mode) || isStopWord(next.token, next.mode);
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

function addPhrase(tokens: Token[], options: QueryAnalysisOptions, add: (term: string, weight: number) => void): void {
  tokens.forEach((token, i) => {
    add('a:' + token.accented, options.unigramWeight * 0.5);
    const next = tokens[i + 1];
    if (next) add('a:' + token.accented + ' ' + next.accented, options.bigramWeight * 0.5);
  });
}
