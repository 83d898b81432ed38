/**
 * Tesseract's TSV output (one row per block, paragraph, line and word, with the word's confidence) read
 * back into text: words joined by spaces, lines by a line break, paragraphs and blocks by a blank line.
 */
export interface TsvPage {
  text: string;
  /** Mean confidence of the words (0–100), or null with no word. */
  meanConfidence: number | null;
  words: number;
  /** Lower-case runs of letters of the words read with a confidence below {@link UNCERTAIN_BELOW}. */
  uncertain: string[];
}

const WORD_LEVEL = '5';
/** Tesseract's confidence under which a word may be corrected (its wrong tone marks score in the 40s–80s). */
export const UNCERTAIN_BELOW = 90;

export function readTesseractTsv(tsv: string): TsvPage {
  const paragraphs: string[][] = [];
  let line: string[] = [];
  let lineKey = '';
  let paragraphKey = '';
  let confidenceSum = 0;
  let words = 0;
  const uncertain = new Set<string>();
  const flushLine = () => {
    if (line.length) paragraphs.at(-1)!.push(line.join(' '));
    line = [];
  };
  for (const row of tsv.split('\n').slice(1)) {
    const cells = row.split('\t');
    if (cells.length < 12 || cells[0] !== WORD_LEVEL) continue;
    const text = cells.slice(11).join('\t').trim();
    if (!text) continue;
    const [, page, block, paragraph, lineNo] = cells;
    const pKey = `${page}/${block}/${paragraph}`;
    const lKey = `${pKey}/${lineNo}`;
    if (pKey !== paragraphKey) {
      flushLine();
      paragraphs.push([]);
      paragraphKey = pKey;
    } else if (lKey !== lineKey) {
      flushLine();
    }
    lineKey = lKey;
    line.push(text);
    const confidence = Number(cells[10]);
    if (Number.isFinite(confidence) && confidence >= 0) {
      confidenceSum += confidence;
      words += 1;
      if (confidence < UNCERTAIN_BELOW) for (const run of text.normalize('NFC').toLowerCase().match(/\p{L}+/gu) ?? []) uncertain.add(run);
    }
  }
  flushLine();
  return {
    text: paragraphs.map((p) => p.join('\n')).filter(Boolean).join('\n\n'),
    meanConfidence: words ? confidenceSum / words : null,
    words,
    uncertain: [...uncertain],
  };
}
