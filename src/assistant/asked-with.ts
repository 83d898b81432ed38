import type { ScoredPassage } from '../retrieval/hybrid-search.js';
import { fold, hasDiacritics } from '../text/normalize.js';

/**
 * Puts first the passages of a document whose `asked_with` reference ("thương binh 3/4") the question uses, and
 * after the others those of a document whose `asked_with` words the question does not use:
 * "Mẹ tôi là Bà mẹ Việt Nam anh hùng có 2 con là liệt sĩ, mỗi tháng được bao nhiêu?" shares every word with
 * the criteria for the title, but asks about the benefits. A question typed without marks matches the
 * words without marks. Nothing is dropped: when no other document was found, the order stays.
 */
export function withAskedWordsFirst(hits: readonly ScoredPassage[], question: string): ScoredPassage[] {
  const lower = question.normalize('NFC').toLowerCase();
  const unmarked = !hasDiacritics(lower);
  const plain = fold(lower);
  const uses = (word: string) => {
    const wanted = word.normalize('NFC').toLowerCase();
    return containsWord(lower, wanted) || (unmarked && containsWord(plain, fold(wanted)));
  };
  const unasked = (h: ScoredPassage) => {
    const words = h.passage.meta.asked_with;
    return words !== undefined && words.length > 0 && !words.some(uses);
  };
  // An `asked_with` word with a number ("thương binh 3/4") is a reference: the document it names leads.
  const referenced = (h: ScoredPassage) => (h.passage.meta.asked_with ?? []).some((word) => REFERENCE_WORD.test(word) && uses(word));
  const ordered = [...hits.filter(referenced), ...hits.filter((h) => !referenced(h))];
  const kept = ordered.filter((h) => !unasked(h));
  return kept.length === 0 || kept.length === ordered.length ? ordered : [...kept, ...ordered.filter(unasked)];
}

const REFERENCE_WORD = /[\p{N}¼½¾]/u;

function containsWord(text: string, word: string): boolean {
  let at = text.indexOf(word);
  while (at >= 0) {
    const before = text[at - 1];
    const after = text[at + word.length];
    if ((before === undefined || !/[\p{L}\p{N}]/u.test(before)) && (after === undefined || !/[\p{L}\p{N}]/u.test(after))) return true;
    at = text.indexOf(word, at + 1);
  }
  return false;
}
