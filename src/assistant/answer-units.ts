import type { StoredPassage } from '../storage/knowledge-store.js';
import { NOT_AFTER_NAME_ABBREVIATION } from '../text/normalize.js';
import { isStopWord, tokenize } from '../text/tokenize.js';

// The units a passage can be quoted by (sentences, list items with their lead-in, table rows) and their words.

/** One line a passage can answer with: a sentence, a list item with its lead-in, or a table row. */
export interface AnswerUnit {
  text: string;
  passage: StoredPassage;
  /** For a list: the lead-in and every item, whole. */
  list?: { leadIn: string; items: string[] };
  /** For one item of a list: its lead-in, the item, and all the list's items. */
  item?: { leadIn: string; text: string; all: string[] };
  /** For a row of a table: the sentence that introduces the table ("… được trợ cấp … theo Điều 8 …:"). */
  context?: string;
}

export const LIST_ITEM = /^\s*(?:[-*+•]\s+|\d{1,2}[.)]\s+|[a-zđ][)]\s+)/u;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TABLE_RULE = /^\s*\|?\s*:?-{2,}/;

/** Splits a passage into the units an answer can quote. */
export function unitsOf(passage: StoredPassage): AnswerUnit[] {
  const units: AnswerUnit[] = [];
  // Blank lines separate paragraphs, but Markdown lists and their lead-ins often have them in between.
  const lines = passage.text.split('\n').filter((l) => l.trim() !== '');
  let header: string[] | undefined;
  let context: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (TABLE_ROW.test(line)) {
      if (TABLE_RULE.test(lines[i + 1]?.trim() ?? '')) {
        header = cells(line);
        const before = lines[i - 1]?.trim() ?? '';
        context = /:\s*$/u.test(before) && !TABLE_ROW.test(before) ? before : undefined;
        continue;
      }
      if (TABLE_RULE.test(line)) continue;
      const row = cells(line);
      const text = header && header.length === row.length ? row.map((c, j) => `${header![j]}: ${c}`).join('; ') : row.join('; ');
      units.push(context ? { text, passage, context } : { text, passage });
      continue;
    }
    header = undefined;
    context = undefined;
    if (LIST_ITEM.test(line)) continue; // items are taken with their lead-in below
    const items: string[] = [];
    let j = i + 1;
    while (j < lines.length && (LIST_ITEM.test(lines[j]!) || (items.length > 0 && /^\s{2,}\S/.test(lines[j]!)))) {
      if (LIST_ITEM.test(lines[j]!)) items.push(lines[j]!.trim());
      else items[items.length - 1] += ` ${lines[j]!.trim()}`;
      j++;
    }
    if (items.length > 0 && /:\s*$/.test(line)) {
      units.push({ text: line, passage, list: { leadIn: line, items } });
      for (const item of items) units.push({ text: `${line} ${item}`, passage, item: { leadIn: line, text: item, all: items } });
      i = j - 1;
      continue;
    }
    for (const sentence of sentencesOf(line)) units.push({ text: sentence, passage });
  }
  // List items with no lead-in line (a passage that starts with a list).
  const leading = lines.filter((l) => LIST_ITEM.test(l));
  if (leading.length > 0 && !units.some((u) => u.list)) {
    for (const item of leading) if (!units.some((u) => u.text.endsWith(item.trim()))) units.push({ text: item.trim(), passage });
  }
  return units;
}

function cells(row: string): string[] {
  return row.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

const SENTENCE_END = new RegExp(String.raw`(?<=[.;!?])${NOT_AFTER_NAME_ABBREVIATION}\s+(?=[\p{Lu}(“"])`, 'u');

/** A sentence that only goes on from the one before ("Họ chỉ được…"): quoted with it, never alone. */
const CONTINUES = /^(Họ|Người này|Người đó|Những người này|Khi đó|Trường hợp này|Trường hợp đó|Việc này|Điều này|Khoản này|Vì vậy|Vì thế|Do đó|Do vậy|Bởi vậy|Như vậy|Theo đó|Tuy nhiên)(?=[\s,])/u;

function sentencesOf(paragraph: string): string[] {
  const sentences = paragraph
    .split(SENTENCE_END)
    .map((s) => s.trim().replace(/^#+\s*/, ''))
    .filter((s) => s.length > 3);
  const joined: string[] = [];
  for (const sentence of sentences) {
    if (joined.length > 0 && CONTINUES.test(sentence)) joined[joined.length - 1] += ` ${sentence}`;
    else joined.push(sentence);
  }
  return joined;
}

export function contentWords(text: string): Set<string> {
  const words = new Set<string>();
  const tokens = tokenize(text).filter((t) => !isStopWord(t, 'folded') && (t.folded.length > 1 || t.numeric));
  for (const t of tokens) words.add(t.folded);
  for (let i = 1; i < tokens.length; i++) words.add(`${tokens[i - 1]!.folded} ${tokens[i]!.folded}`);
  return words;
}
