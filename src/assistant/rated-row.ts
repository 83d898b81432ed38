import { MONEY_PATTERN } from '../knowledge/types.js';
import type { StoredPassage } from '../storage/knowledge-store.js';
import type { ScoredPassage } from '../retrieval/search-results.js';
import { fold } from '../text/normalize.js';
import { groupsIn } from './direct-answer.js';
import { benefitsNamedIn, percentBrackets, statedPercentsOf } from './percents.js';

/** How far down the hits the group's table is looked for. */
const DEPTH = 8;
/** Kin of the person, and the other table of thương binh loại B: not the group's own row (folded). */
const NOT_THE_PERSON = /\b(than nhan|con|vo|chong|cha|me|bo|loai b)\b/;
/** A benefit beside the allowance, or someone other than the person. */
const asidesOf = (text: string): boolean => benefitsNamedIn(text).size > 0 || NOT_THE_PERSON.test(fold(text.toLowerCase()));
const MONEY = new RegExp(MONEY_PATTERN.source, 'u');
const MONTHLY = /\/tháng|hằng tháng/u;

/**
 * "tb 35% bao nhiêu", "bb 85% được bao nhiêu": the passage of that group's table whose monthly row holds the
 * rating leads, from the document of a hit on that group. A passage on re-assessment or on the old ranks
 * names "tỷ lệ tổn thương" and the group in its title and outscores the table on words, but it answers
 * another question; a table written by brackets ("Từ 81% đến 90%") has no word for "85" at all.
 */
export function ratedRowFirst(hits: readonly ScoredPassage[], question: string, expandedQuery: string, passagesOf: (docId: string) => readonly StoredPassage[]): ScoredPassage[] {
  const percents = statedPercentsOf(question);
  if (percents.length === 0 || asidesOf(question)) return [...hits];
  const groups = groupsIn(`${question} ${expandedQuery}`);
  if (groups.size !== 1) return [...hits];
  const [group] = groups;
  const ofGroup = (passage: StoredPassage) => {
    const named = groupsIn(passage.heading);
    return named.size === 1 && named.has(group!) && !/loại B/u.test(passage.heading);
  };
  const holdsRow = (passage: StoredPassage) => {
    const lines = passage.text.split('\n');
    // A table's row says "hằng tháng" in its header: "| Tỷ lệ … | Trợ cấp hằng tháng |".
    const header = lines.find((line) => line.startsWith('|')) ?? '';
    return lines.some(
      (line) =>
        MONEY.test(line) &&
        MONTHLY.test(line.startsWith('|') ? `${header} ${line}` : line) &&
        !asidesOf(line) &&
        percentBrackets(line).some(([from, to]) => percents.some((p) => p >= from && p <= to)),
    );
  };
  const top = hits.slice(0, DEPTH);
  const at = top.findIndex(({ passage }) => ofGroup(passage) && holdsRow(passage));
  if (at === 0) return [...hits];
  if (at > 0) return [hits[at]!, ...hits.slice(0, at), ...hits.slice(at + 1)];
  for (const docId of new Set(top.filter(({ passage }) => ofGroup(passage)).map(({ passage }) => passage.docId))) {
    const row = passagesOf(docId).find((passage) => ofGroup(passage) && holdsRow(passage));
    if (row) return [{ ...hits[0]!, passage: row }, ...hits.filter(({ passage }) => passage.id !== row.id)];
  }
  return [...hits];
}
