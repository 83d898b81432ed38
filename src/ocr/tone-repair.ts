/**
 * Repairs the tone marks OCR most often gets wrong on Vietnamese (hỏi ↔ ngã, sắc ↔ huyền, a dot lost…), and
 * a lost or added vowel mark or đ, only where a vocabulary makes it safe: a word the vocabulary has never
 * seen is replaced only when exactly one common word (seen at least twice) differs from it by its tone
 * alone or by its vowel marks alone. Words seen even once, numbers, long runs of letters and words with
 * several such neighbours are left as they are.
 */
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/gu;
const VOWEL_MARKS = /[\u0302\u0306\u031b]/gu;
const WORD = /\p{L}+/gu;
/** Vietnamese syllables are short: longer runs of letters are names, codes or foreign words. */
const MAX_SYLLABLE_LETTERS = 7;

export interface ToneVocabulary {
  /** Seen at least once: never replaced. */
  has(word: string): boolean;
  /** Known words with the same letters and vowel marks, any tone. */
  byTonelessKey: Map<string, Set<string>>;
  /** Known words with the same letters and tone, any vowel marks (and d for đ). */
  byMarklessKey: Map<string, Set<string>>;
}

function tonelessKey(word: string): string {
  return word.normalize('NFD').replace(TONE_MARKS, '').normalize('NFC');
}

function marklessKey(word: string): string {
  return word.normalize('NFD').replace(VOWEL_MARKS, '').replace(/đ/gu, 'd').normalize('NFC');
}

function addTo(map: Map<string, Set<string>>, key: string, word: string): void {
  const set = map.get(key);
  if (set) set.add(word);
  else map.set(key, new Set([word]));
}

/**
 * The vocabulary of a body of text (the knowledge base's passages): every lower-case NFC word is known;
 * those seen at least `minTargetCount` times are repair targets, so that a typo in one passage never is.
 */
export function buildToneVocabulary(texts: Iterable<string>, minTargetCount = 2): ToneVocabulary {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const match of text.normalize('NFC').toLowerCase().matchAll(WORD)) counts.set(match[0], (counts.get(match[0]) ?? 0) + 1);
  }
  const byTonelessKey = new Map<string, Set<string>>();
  const byMarklessKey = new Map<string, Set<string>>();
  for (const [word, count] of counts) {
    if (count < minTargetCount) continue;
    addTo(byTonelessKey, tonelessKey(word), word);
    addTo(byMarklessKey, marklessKey(word), word);
  }
  return { has: (word) => counts.has(word), byTonelessKey, byMarklessKey };
}

/** The one common word a single change of marks away from an unknown lower-case word, or undefined. */
function knownNeighbour(word: string, vocabulary: ToneVocabulary): string | undefined {
  const candidates = new Set([...(vocabulary.byTonelessKey.get(tonelessKey(word)) ?? []), ...(vocabulary.byMarklessKey.get(marklessKey(word)) ?? [])]);
  return candidates.size === 1 ? candidates.values().next().value : undefined;
}

/** `word` in the letter case of `like` (all capitals, a capital first, or lower case). */
function inCaseOf(word: string, like: string): string {
  if (like.length > 1 && like === like.toUpperCase()) return word.toUpperCase();
  if (like[0] !== like[0]!.toLowerCase()) return word[0]!.toUpperCase() + word.slice(1);
  return word;
}

/**
 * The text with unknown words replaced by their single common tone (or vowel-mark) neighbour; with
 * `onlyWords` (lower case), only those words are candidates (the ones the OCR engine was unsure of).
 */
export function repairTones(text: string, vocabulary: ToneVocabulary, onlyWords?: ReadonlySet<string>): string {
  return text.normalize('NFC').replace(WORD, (token) => {
    const lower = token.toLowerCase();
    if (onlyWords && !onlyWords.has(lower)) return token;
    if ([...lower].length > MAX_SYLLABLE_LETTERS || vocabulary.has(lower)) return token;
    const neighbour = knownNeighbour(lower, vocabulary);
    return neighbour ? inCaseOf(neighbour, token) : token;
  });
}
