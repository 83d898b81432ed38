import { canonicalTone, fold } from './normalize.js';

/** One syllable (or number) of a text, in its two comparable forms. */
export interface Token {
  /** Lower-case, NFC, canonical tone placement: "thủy". Numbers lose thousands dots and leading zeros. */
  accented: string;
  /** Without any diacritic: "thuy". */
  folded: string;
  /** True when the syllable as written carries a diacritic (so the writer typed the marks). */
  marked: boolean;
  numeric: boolean;
}

// A number with thousands dots (8.941.000), a plain number, or a run of letters.
const TOKEN_PATTERN = /\d{1,3}(?:\.\d{3})+(?!\d)|\d+|\p{L}+/gu;

const tokenCache = new Map<string, Token>();
const TOKEN_CACHE_LIMIT = 200_000;

function makeToken(raw: string): Token {
  const cached = tokenCache.get(raw);
  if (cached) return cached;
  let token: Token;
  const first = raw.charCodeAt(0);
  if (first >= 48 && first <= 57) {
    const digits = raw.replace(/\./g, '').replace(/^0+(?=\d)/, '');
    token = { accented: digits, folded: digits, marked: false, numeric: true };
  } else {
    const accented = canonicalTone(raw.toLowerCase());
    const folded = fold(accented);
    token = { accented, folded, marked: folded !== accented, numeric: false };
  }
  if (tokenCache.size < TOKEN_CACHE_LIMIT) tokenCache.set(raw, token);
  return token;
}

/** Splits text into syllable tokens (case-folded, NFC, canonical tones). */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.normalize('NFC').matchAll(TOKEN_PATTERN)) tokens.push(makeToken(match[0]));
  return tokens;
}

/**
 * Question words and fillers that say nothing about the topic. They are dropped as single terms
 * from queries; bigrams that contain one of them are kept (they still carry phrase order).
 */
const STOP_WORDS_ACCENTED = [
  'gì', 'nào', 'bao', 'nhiêu', 'mấy', 'sao', 'thế', 'ai', 'đâu', 'không', 'hay', 'đúng', 'sai', 'phải',
  'hỏi', 'cho', 'tôi', 'em', 'anh', 'chị', 'ạ', 'à', 'ơi', 'vậy', 'nhé', 'với', 'thì', 'là', 'có', 'được',
  'những', 'các', 'của', 'và', 'ra', 'cần', 'làm', 'muốn', 'xin', 'giúp', 'cái', 'này', 'đó', 'khi', 'nếu',
  'thưa', 'dạ', 'vâng', 'ơ', 'nhỉ', 'chứ', 'hả', 'đã', 'sẽ', 'đang', 'bị', 'mà', 'như', 'theo', 'về', 'trong',
  'lúc', 'ở', 'tại', 'từ', 'đến', 'nên', 'một', 'người',
].map((w) => canonicalTone(w));
const STOP_ACCENTED = new Set(STOP_WORDS_ACCENTED);
const STOP_FOLDED = new Set(STOP_WORDS_ACCENTED.map((w) => fold(w)));

/** Whether a token is a stop word in the given matching mode. */
export function isStopWord(token: Token, mode: 'accented' | 'folded'): boolean {
  return mode === 'accented' ? STOP_ACCENTED.has(token.accented) : STOP_FOLDED.has(token.folded);
}

/** Index term of a syllable: "a:" + accented form, "f:" + folded form. Bigrams join two syllables with a space. */
export function accentedTerm(...tokens: Token[]): string {
  return 'a:' + tokens.map((t) => t.accented).join(' ');
}
export function foldedTerm(...tokens: Token[]): string {
  return 'f:' + tokens.map((t) => t.folded).join(' ');
}

/**
 * The terms a document field is indexed under: accented and folded unigrams and adjacent-syllable
 * bigrams, with repetitions (term frequency counts).
 */
export function documentTerms(text: string): string[] {
  const tokens = tokenize(text);
  const terms: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    terms.push('a:' + t.accented, 'f:' + t.folded);
    const next = tokens[i + 1];
    if (next) {
      terms.push('a:' + t.accented + ' ' + next.accented);
      terms.push('f:' + t.folded + ' ' + next.folded);
    }
  }
  return terms;
}
