/**
 * OCR output made into a document body: NFC, words split across a line end joined again, page-number
 * lines dropped, tone marks repaired against a vocabulary (tone-repair.ts), pages separated by a blank line.
 */
import { repairTones, type ToneVocabulary } from './tone-repair.js';

/** "12", "- 12 -", "Trang 3", "3/10", "Trang 3/10" alone on a line. */
const PAGE_NUMBER_LINE = /^[\s\-–—]*(?:trang\s+)?\d{1,4}(?:\s*\/\s*\d{1,4})?[\s\-–—]*$/iu;
/** A word cut by a hyphen at the end of a line and continued in lower case on the next. */
const HYPHENATED_BREAK = /(\p{L})[-\u00ad]\n[ \t]*(\p{Ll})/gu;

export function normaliseOcrText(text: string, vocabulary?: ToneVocabulary): string {
  const pages = text
    .normalize('NFC')
    .replace(/\r\n?/gu, '\n')
    .split('\f')
    .map((page) =>
      page
        .split('\n')
        .filter((line) => !PAGE_NUMBER_LINE.test(line))
        .map((line) => line.replace(/[ \t]+/gu, ' ').trimEnd())
        .join('\n')
        .replace(HYPHENATED_BREAK, '$1$2')
        .replace(/\n{3,}/gu, '\n\n')
        .trim(),
    )
    .filter(Boolean);
  const body = pages.join('\n\n');
  return vocabulary ? repairTones(body, vocabulary) : body;
}
