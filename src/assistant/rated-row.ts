import { MONEY_PATTERN } from '../knowledge/types.js';
import type { StoredPassage } from '../storage/knowledge-store.js';
import type { ScoredPassage } from '../retrieval/search-results.js';
import { fold } from '../text/normalize.js';
import { benefitsNamedIn, groupsIn } from './case-terms.js';
import { percentBrackets, percentFit, statedPercentsOf } from './percents.js';

/** How far down the hits the group's table is looked for. */
const DEPTH = 8;
/** A line on the kin of the person, or on the other table of thương binh loại B: not the group's own row (folded). */
const NOT_THE_PERSON = /\b(than nhan|con|vo|chong|cha|me|bo|loai b)\b/;
/** "con thương binh 61%", "vợ tb 81%" (folded): the question is about a relative of the person rated. */
const KIN_OF_THE_RATED = /\b(than nhan|con( de| ruot| nuoi)?|vo|chong|cha( de)?|me( de)?|bo( de)?)( cua)? (nguoi )?(thuong binh|tb|benh binh|bb|chat doc|cdhh|nguoi hoat dong|nguoi nhiem)\b|\bloai b\b/;
const lineAside = (text: string): boolean => benefitsNamedIn(text).size > 0 || NOT_THE_PERSON.test(fold(text.toLowerCase()));
const askedAside = (text: string): boolean => benefitsNamedIn(text).size > 0 || KIN_OF_THE_RATED.test(fold(text.toLowerCase()));
const MONEY = new RegExp(MONEY_PATTERN.source, 'u');
const MONTHLY = /\/tháng|hằng tháng/u;

/**
 * "tb 35% bao nhiêu", "bb 85% được bao nhiêu": the passage of that group's table whose monthly row holds the
 * rating leads, from the document of a hit on that group. A passage on re-assessment or on the old ranks
 * names "tỷ lệ tổn thương" and the group in its title and outscores the table on words, but it answers
 * another question; a table written by brackets ("Từ 81% đến 90%") has no word for "85" at all.
 */
export function ratedRowFirst(
  hits: readonly ScoredPassage[],
  asked: { question: string; story: string },
  expandedQuery: string,
  passagesOf: (docId: string) => readonly StoredPassage[],
): ScoredPassage[] {
  const { question, story } = asked;
  if (askedAside(question)) return [...hits];
  // "Bố tôi là thương binh 61% … như trường hợp của bố tôi là bao nhiêu một tháng": the story tells the rating,
  // when it tells one rating only (not "từ 21% tới 40%").
  const told = statedPercentsOf(story);
  const fromStory = statedPercentsOf(question).length === 0 && told.length === 1 && !askedAside(story);
  const percents = fromStory ? told : statedPercentsOf(question);
  if (percents.length === 0) return [...hits];
  const groups = groupsIn(`${question} ${expandedQuery}`);
  if (fromStory && groups.size === 0) for (const g of groupsIn(story)) groups.add(g);
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
        !lineAside(line) &&
        percentFit(percentBrackets(line), percents) > 0,
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
