/**
 * OCR output made into a document body: NFC, words split across a line end joined again, the lines of a
 * paragraph that the page's width wrapped joined into one (a line that opens a legal unit or a list item
 * stays a line of its own, for the chunker), page-number lines dropped, tone marks repaired against a
 * vocabulary (tone-repair.ts), pages separated by a blank line.
 */
import { repairTones, type ToneVocabulary } from './tone-repair.js';

/** "12", "- 12 -", "Trang 3", "3/10", "Trang 3/10" alone on a line. */
const PAGE_NUMBER_LINE = /^[\s\-–—]*(?:trang\s+)?\d{1,4}(?:\s*\/\s*\d{1,4})?[\s\-–—]*$/iu;
/** A word cut by a hyphen at the end of a line and continued in lower case on the next. */
const HYPHENATED_BREAK = /(\p{L})[-\u00ad]\n[ \t]*(\p{Ll})/gu;
/** A line that starts a unit of its own: a list item, a numbered clause, a point, an article, a chapter… */
const OWN_LINE = /^(?:[-+•*–]\s|\d{1,3}[.)]\s|\p{Ll}\)\s|(?:Phần|Chương|Mục|Điều|Khoản|Điểm|Mẫu số|Số|Căn cứ|Nơi nhận)(?![\p{L}\p{N}]))/u;

/** Joins each line to the one before it in the same paragraph, unless it opens a unit or follows a lead-in. */
function unwrapLines(paragraph: string): string {
  const out: string[] = [];
  for (const line of paragraph.split('\n')) {
    const previous = out.at(-1);
    if (previous !== undefined && previous !== '' && line !== '' && !OWN_LINE.test(line) && !/[:;]$/u.test(previous)) {
      out[out.length - 1] = `${previous} ${line}`;
    } else {
      out.push(line);
    }
  }
  return out.join('\n');
}

/** What tone repair works from: the vocabulary, and the words the OCR engine was unsure of (all words when absent). */
export interface ToneRepair {
  vocabulary: ToneVocabulary;
  uncertainWords?: readonly string[];
}

export function normaliseOcrText(text: string, repair?: ToneRepair): string {
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
    .map(unwrapLines)
    .filter(Boolean);
  const body = pages.join('\n\n');
  if (!repair) return body;
  return repairTones(body, repair.vocabulary, repair.uncertainWords && new Set(repair.uncertainWords.map((w) => w.normalize('NFC').toLowerCase())));
}
