import { fold, nfc } from '../text/normalize.js';

/** What a message asking for a form said: a number, or "/mau" alone. */
export type FormRequest = { number: string } | { usage: true };

/**
 * "/mau 12", "/mau12", "mau so 12", "Mẫu 12", "Mẫu số 12", "gửi mẫu số 12" — the whole message asks for a form
 * ("Mẫu số 12 nộp ở đâu?" is a question, not a request).
 */
const REQUEST = /^(?:\/mau(?:@\w+)?|(?:(?:gui|xin|tai|lay|cho (?:toi|xin))\s+)?mau)(?:\s*so)?\s*(?:(\d{1,3})\s*)?[.!?]*$/;

/** A form named in a reply: "Mẫu số 12", "Mẫu 12", "mẫu số 05". */
const MENTION = /\bmau (?:so )?(\d{1,3})(?!\d)/g;

/** A form of another text ("Mẫu 16, Phụ lục I Thông tư 09/2025/TT-BNV"): not the decree's, so not offered. */
const OTHER_TEXT = /^[^.;\n]{0,40}\b(?:thong tu|tt)\b/;

/** "1", "01", "012" → "01"; "103" → "103": two digits at least, as the decree writes them. */
export function canonicalFormNumber(digits: string): string {
  const n = Number.parseInt(digits, 10);
  return String(n).padStart(2, '0');
}

/** The form a message asks for, or undefined when it is not such a request. */
export function parseFormRequest(text: string): FormRequest | undefined {
  const folded = fold(nfc(text).toLowerCase()).replace(/\s+/g, ' ').trim();
  const match = REQUEST.exec(folded);
  if (!match) return undefined;
  // "mau" alone is a word, not a request; "/mau" alone asks how to use it.
  if (match[1] === undefined) return folded.startsWith('/') ? { usage: true } : undefined;
  return { number: canonicalFormNumber(match[1]) };
}

/** The forms a text names, each once, in order of appearance. */
export function formsNamedIn(text: string): string[] {
  const folded = fold(nfc(text).toLowerCase());
  const numbers: string[] = [];
  for (const m of folded.matchAll(MENTION)) {
    if (OTHER_TEXT.test(folded.slice(m.index + m[0].length))) continue;
    const number = canonicalFormNumber(m[1]!);
    if (!numbers.includes(number)) numbers.push(number);
  }
  return numbers;
}
