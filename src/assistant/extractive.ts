import type { ScoredPassage } from '../retrieval/hybrid-search.js';
import type { StoredPassage } from '../storage/knowledge-store.js';
import { isInForce } from '../knowledge/provenance.js';
import { fold } from '../text/normalize.js';
import { tokenize } from '../text/tokenize.js';
import type { AmountRegistry } from './amounts.js';
import { answersOwnWords, askedFactsIn, askedFactStrings, directAnswer, figureNotes, fitHead, hasFactKind, kindName, mergeListLines, onlyReplacedAmounts, withoutAliases } from './direct-answer.js';
import { headingMatches, type SectionIntent } from './intent.js';
import type { AskedKind, ReadQuestion } from './reading.js';
import { PassageFeatures, type LineWords } from './passage-features.js';
import type { AnswerCitation } from './types.js';

export interface ComposedAnswer {
  body: string;
  /** The first lines: the asked fact (or that the knowledge base lacks it) and notes on replaced figures. */
  lead: string[];
  citations: AnswerCitation[];
  warnings: string[];
}

const MAX_PASSAGE_CHARS = 900;
/** What the first screen of a reply holds: the direct lines share it. */
const HEAD_CHARS = 400;

/** The title line that opens the passages of an answer: what comes before it are the direct lines. */
export const PASSAGE_MARK = '📌 ';
/** Where a reply's direct lines end and its passages begin. */
export const PASSAGES_START = `\n\n${PASSAGE_MARK}`;
const MAX_PASSAGES = 2;

export const UNVERIFIED_PARTY_WARNING =
  '⚠️ Nguồn này có nội dung chưa được đối chiếu với toàn văn; đề nghị xem toàn văn qua cấp ủy (Văn phòng Tỉnh ủy, Văn phòng Đảng ủy xã).';

export const UNVERIFIED_WARNING =
  '⚠️ Nguồn này có nội dung chưa được đối chiếu với văn bản gốc; đề nghị đối chiếu với hướng dẫn của Sở Nội vụ tỉnh trước khi áp dụng.';

/**
 * The offline answer: first the line(s) that state what was asked (verbatim, with the period of any
 * amount), then the passages they come from, trimmed to the lines that matter, from the best document
 * (plus the section the question asks about), each followed by its legal basis.
 */
export function composeExtractiveAnswer(input: {
  read: ReadQuestion;
  /** The question as the searcher understood it (abbreviations expanded). */
  expandedQuery?: string;
  hits: readonly ScoredPassage[];
  allPassages: readonly StoredPassage[];
  intent: SectionIntent | undefined;
  registry: AmountRegistry;
  today: string;
  /** The hits of each other question of a many-part message (`read.parts`, same order). */
  partHits?: readonly (readonly ScoredPassage[])[];
  /** Each other question as the searcher understood it (abbreviations expanded), same order. */
  partQueries?: readonly string[];
  /** The hits of a story's first question searched on its own (see ReadQuestion.firstPart), and its expanded query. */
  firstHits?: readonly ScoredPassage[];
  firstQuery?: string;
  /** The passages of a document by its id, number or citation (to find the text that replaced one). */
  findDocument?: (reference: string) => readonly StoredPassage[];
  /** The passages of a document by its id (the other sections of a part's best documents). */
  passagesOf?: (docId: string) => readonly StoredPassage[];
  /** The passages' units, words and lines, kept between questions (see PassageFeatures). */
  features?: PassageFeatures;
  /** The openings of the procedures of the benefit a passage's document is about (see ProcedureOpenings). */
  proceduresOf?: (passage: StoredPassage) => readonly StoredPassage[];
}): ComposedAnswer {
  const { read, hits, allPassages, intent, registry, today } = input;
  const features = input.features ?? new PassageFeatures();
  const primary = hits[0]!.passage;
  const words = questionWords(read.query);
  // Of the best document's sections of that kind ("Mức trợ cấp … trước 01/01/1945", "Mức trợ cấp … tiền khởi
  // nghĩa"), the one whose heading names most of the question's words.
  const ownSection = intent ? bestSection(allPassages.filter((p) => p.docId === primary.docId && headingMatches(sectionOf(p), intent)), words) : undefined;
  // "hồ sơ cấp chân giả gồm gì" and the best document gives only the amounts: the papers are those of the
  // procedure found next to it.
  const sectionPassage = ownSection ?? (intent?.name === 'documents' && ASKS_FOR_PAPERS.test(fold(read.question.toLowerCase())) ? sectionElsewhere(hits, intent, words, input.passagesOf) : undefined);
  // A section of replaced figures ("Mức cũ …") matched best: the sections of its document hold today's.
  const current = onlyReplacedAmounts(primary.text, registry, today, primary.docId) ? allPassages.filter((p) => p.docId === primary.docId) : [];
  const candidates = uniquePassages([
    ...(sectionPassage ? [sectionPassage] : []),
    ...hits.filter((h) => h.passage.docId === primary.docId && h.score >= hits[0]!.score * 0.7).map((h) => h.passage),
    ...current,
    ...hits.slice(0, 3).map((h) => h.passage),
  ]);
  // A text no longer in force is never the only source: the text that replaced it answers first, or is named.
  const validity = replacementOf([primary], hits, input.findDocument, words, today);
  if (validity.passage) candidates.unshift(validity.passage);
  // A document on who qualifies names no form: the procedure of the same benefit says which, and where to file it
  // (the next step of a yes-or-no answer, or of "Nếu được thì thủ tục thế nào?").
  const procedures = primary.meta.doc_type === 'thu-tuc' ? [] : (input.proceduresOf?.(primary) ?? []);
  const related = [...allPassages, ...hits.slice(3).map((h) => h.passage), ...(read.impliedForm ? procedures : [])];
  const direct = directAnswer({ read, candidates, related, registry, today, features, ...(input.expandedQuery !== undefined && { expandedQuery: input.expandedQuery }) });

  // A question of a many-part message, answered from its candidates and the rest of their documents.
  const answerPart = (partRead: ReadQuestion, candidates: readonly StoredPassage[], expanded: string | undefined) => {
    const docs = new Set(candidates.map((p) => p.docId));
    const sameDocuments = [...docs].flatMap((docId) => input.passagesOf?.(docId) ?? []);
    return directAnswer({ read: partRead, candidates, related: sameDocuments, registry, today, features, onePartOfMany: true, ...(expanded !== undefined && { expandedQuery: expanded }) });
  };

  // Each other question of the message gets the line that answers it, from its own best passages.
  const partLines: string[] = [];
  const decisiveLines: string[] = [];
  const partPassages: StoredPassage[] = [];
  for (const [i, part] of read.parts.entries()) {
    const partHits = input.partHits?.[i] ?? [];
    if (partHits.length === 0) continue;
    const partRead: ReadQuestion = { ...read, question: part.question, query: part.query, asks: part.asks, alsoAsks: [], parts: [] };
    const expanded = input.partQueries?.[i];
    const answerFrom = (candidates: readonly StoredPassage[]) => answerPart(partRead, candidates, expanded);
    // "Nếu được thì thủ tục thế nào?": the procedure of the benefit the first question is about, from its own
    // document; another procedure's papers would answer another question.
    // A document on who qualifies is followed by the procedure of the same benefit ("Nếu được thì nộp ở đâu?").
    const followed = part.follows ? [...hits.filter((h) => h.passage.docId === primary.docId).slice(0, 2).map((h) => h.passage), ...procedures] : [];
    const own = followed.length > 0 ? answerFrom(followed) : undefined;
    const fromHits = () => {
      const best = partHits.slice(0, 3).map((h) => h.passage);
      const found = answerFrom(best);
      // No amount for "trợ cấp … như thế nào": the part is answered as asked, by any line.
      return !found.found && part.impliedAmount ? answerPart({ ...partRead, asks: undefined }, best, expanded) : found;
    };
    const answer = own?.found && own.lines.length > 0 ? own : fromHits();
    const line = answer.found ? answer.lines[0] : undefined;
    if (!line || [...direct.lines, ...decisiveLines, ...partLines].some((l) => sameLine(l, line))) continue;
    // Other items of a list a line already quotes join that line, under its lead-in once.
    const sameList = direct.lines.findIndex((l) => mergeListLines(l, line) !== undefined);
    if (sameList >= 0) {
      const list = answer.passages[0]?.text.split('\n').map((row) => row.trim());
      direct.lines[sameList] = mergeListLines(direct.lines[sameList]!, line, list)!;
      continue;
    }
    const rest = [read.story, read.question.replace(part.question, ' ')].join(' ');
    // "còn bmvnah thì bn": the part's own words include what its abbreviations stand for.
    if (!answersOwnWords(line, `${part.question} ${expanded ?? ''}`, rest)) continue;
    (part.decisive ? decisiveLines : partLines).push(line);
    partPassages.push(answer.passages[0]!);
  }

  // "… có được hưởng tuất không? Điều kiện công nhận … là gì?": the lines of the whole part answer the later
  // question; the first gets a line of its own from its own passages.
  const firstLines: string[] = [];
  if (read.firstPart && input.firstHits && input.firstHits.length > 0) {
    const fp = read.firstPart;
    const firstRead: ReadQuestion = { ...read, question: fp.question, query: fp.query, asks: fp.asks, alsoAsks: [], parts: [] };
    const answer = answerPart(firstRead, input.firstHits.slice(0, 3).map((h) => h.passage), input.firstQuery);
    const line = answer.found ? answer.lines[0] : undefined;
    const rest = [read.story, read.question.replace(fp.question, ' ')].join(' ');
    const spoken = [...direct.lines, ...decisiveLines, ...partLines];
    if (line && !spoken.some((l) => sameLine(l, line)) && !answersOwnWords(spoken.join(' '), `${fp.question} ${input.firstQuery ?? ''}`, rest) && answersOwnWords(line, `${fp.question} ${input.firstQuery ?? ''}`, rest)) {
      firstLines.push(line);
      partPassages.push(answer.passages[0]!);
    }
  }

  const chosen: StoredPassage[] = [];
  const add = (p: StoredPassage | undefined) => {
    if (p && chosen.length < MAX_PASSAGES && !chosen.some((c) => c.id === p.id)) chosen.push(p);
  };
  // The best hit is always quoted: the direct lines may come from elsewhere, but it is what the question matched.
  add(direct.passages[0]);
  add(primary);
  for (const p of direct.passages) add(p);
  add(sectionPassage);
  for (const p of partPassages) if (!chosen.some((c) => c.docId === p.docId)) chosen.push(p);
  const runnerUp = hits
    .slice(1)
    .find((h) => h.passage.docId === primary.docId && h.score >= hits[0]!.score * 0.85 && h.passage.text.length >= 150);
  add(runnerUp?.passage);
  chosen.sort((a, b) => (a.docId === b.docId ? a.ordinal - b.ordinal : a.docId === primary.docId ? -1 : 1));
  if (validity.passage && !chosen.some((p) => p.id === validity.passage!.id)) chosen.unshift(validity.passage);
  else if (validity.passage) chosen.sort((a, b) => Number(b.id === validity.passage!.id) - Number(a.id === validity.passage!.id));

  // A replaced figure the question relies on is corrected first; the rules of a past year follow the answer.
  const notes = figureNotes(read, direct, registry, today);
  const lead: string[] = [...validity.notes, ...notes.filter((n) => n.startsWith('⚠️'))];
  const quotedAs: string[] = [];
  if (direct.found && direct.lines.length > 0) {
    const before = lead.reduce((n, l) => n + l.length + 1, 0);
    const lines = mergedLists([...decisiveLines, ...firstLines, ...direct.lines, ...partLines]);
    // Only when the chosen lines come from the procedure's own document: another document answered the question.
    const summary = direct.passages[0]?.docId === primary.docId ? procedureSummary(read, primary, allPassages, lines.join('\n').slice(0, HEAD_CHARS - before)) : undefined;
    // After the summary, only the lines that state what it leaves out, the rule that settles a yes-or-no case, the
    // other questions' lines, and the first line when what is asked first is no fact a summary states (a condition,
    // what one gets).
    const asked = askedOf(read);
    const unsaid = summary ? asked.filter((kind) => askedFactsIn(summary, [kind]) === 0) : [];
    const answersFirst = (line: string) => line === direct.lines[0] && (read.asks === undefined || !hasFactKind(read.asks));
    // Another question of the message keeps its line, unless all the line states is what the summary states.
    const said = summary ? asked.filter((kind) => !unsaid.includes(kind)) : [];
    // The procedure has one office, form and deadline, the summary's; "Trợ cấp thờ cúng … 1.400.000 đồng" after a
    // summary with another amount says something new.
    const procedural = said.filter((kind) => kind !== 'amount');
    const repeats = (line: string) =>
      askedFactsIn(line, said) > 0 && askedFactsIn(line, unsaid) === 0 && (askedFactsIn(line, procedural) > 0 || askedFactStrings(line, said).every((fact) => summary!.includes(fact)));
    const answersAnother = (line: string) => decisiveLines.includes(line) || ((firstLines.includes(line) || partLines.includes(line)) && !repeats(line));
    // A procedure asked as a topic ("thủ tục công nhận thương binh") is answered by its summary alone.
    const headLines = !summary ? lines : isBareProcedure(read) ? [summary] : [summary, ...lines.filter((line) => answersAnother(line) || answersFirst(line) || askedFactsIn(line, unsaid) > 0)];
    const namesFrom = [...allPassages, ...procedures];
    const named = new Map(headLines.map((line) => [underShortName(line, namesFrom), line]));
    const fitted = fitHead([...named.keys()], `${read.question} ${read.query} ${input.expandedQuery ?? ''}`, HEAD_CHARS - before, read.deathDate, asked);
    lead.push(...fitted.map((line) => `👉 ${line}`));
    // The passage below opens with the procedure's full name: a line quoted whole under its short name is not repeated.
    quotedAs.push(...fitted.map((line) => named.get(line)).filter((line): line is string => line !== undefined));
  } else if (!direct.found && read.asks) {
    lead.push(
      `Tài liệu hiện có chưa nêu rõ ${kindName(read.asks)} cho câu hỏi này. Dưới đây là nội dung gần nhất; nếu cần, gõ "hỏi chuyên gia" để tôi chuyển cho công chức biệt phái.`,
    );
  }
  lead.push(...notes.filter((n) => !n.startsWith('⚠️')));

  const parts: string[] = [];
  if (lead.length) parts.push(lead.join('\n'));
  const titles = new Set<string>();
  const quoted = [...lead.flatMap((l) => l.replace(/^👉 /u, '').split('\n')), ...quotedAs];
  for (const passage of chosen) {
    if (!titles.has(passage.meta.title)) parts.push(`${PASSAGE_MARK}${passage.meta.title}`);
    titles.add(passage.meta.title);
    const rest = withoutOpening(trimPassage(passage.text, words, features.linesOf(passage)), quoted);
    if (rest) parts.push(rest);
  }

  const citations = chosen.map((p) => toCitation(p, today));
  const warnings: string[] = [];
  if (validity.notes.length > 0) {
    // Said in the first lines already.
  } else if (chosen.some((p) => p.meta.status === 'superseded')) {
    const by = chosen.find((p) => p.meta.superseded_by)?.meta.superseded_by;
    warnings.push(`⚠️ Văn bản này đã bị thay thế${by ? ` bởi ${by}` : ''}; nội dung chỉ để tham khảo.`);
  } else if (chosen.some((p) => p.meta.status === 'partly_superseded')) {
    warnings.push('⚠️ Văn bản này đã được sửa đổi một phần; kiểm tra mức, thời hạn đang áp dụng.');
  }
  if (chosen.some((p) => !p.meta.verified)) warnings.push(unverifiedWarning(chosen));

  const other = hits.find((h) => !chosen.some((c) => c.docId === h.passage.docId) && h.score >= hits[0]!.score * 0.8);
  if (other) parts.push(`Xem thêm: ${other.passage.citation}`);
  return { body: parts.join('\n\n'), lead, citations, warnings };
}

/**
 * A passage without the sentences it opens with when the first lines quote them already: the rest of the
 * passage follows the quote instead of repeating it (a line cut with "…" is not the whole sentence).
 */
function withoutOpening(text: string, quoted: readonly string[]): string {
  const whole = quoted.map((q) => q.trim()).filter((q) => q.length >= 20 && !q.includes('…'));
  let rest = text.trimStart();
  for (let found = true; found && rest; ) {
    // A first line quotes a procedure's opening without the other names it is searched by.
    const plain = withoutAliases(rest);
    const opening = whole.find((q) => plain.startsWith(q) && (plain.length === q.length || /^\s/u.test(plain.slice(q.length))));
    found = opening !== undefined;
    if (opening) rest = plain.slice(opening.length).trimStart();
  }
  return rest;
}

/** Lines quoting items of one list (the same lead-in, from two passages of a document) as one line. */
function mergedLists(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const at = out.findIndex((l) => mergeListLines(l, line) !== undefined);
    if (at >= 0) out[at] = mergeListLines(out[at]!, line)!;
    else out.push(line);
  }
  return out;
}

/** Two lines quoting the same text, whole or cut differently ("…" where clauses are left out). */
function sameLine(a: string, b: string): boolean {
  if (a.includes(b) || b.includes(a)) return true;
  // Items of a list under one lead-in are merged, not dropped (mergeListLines).
  if (a.includes('\n') || b.includes('\n')) return false;
  const opening = (line: string) => line.split(/…|\n/u)[0]!.trim();
  const [x, y] = [opening(a), opening(b)];
  return Math.min(x.length, y.length) >= 40 && (x.startsWith(y) || y.startsWith(x));
}

/** A passage's first line when more lines follow it and it ends no sentence: the document's heading. */
const HEADING_LINE = /^[^\n]*[^\n.:;\s]\s*(?=\n)/u;

/** A procedure's opening passage without the document's heading it may start with. */
const openingOf = (passage: StoredPassage): string => passage.text.replace(HEADING_LINE, '').trim();

/**
 * "…giấy tờ gì, bao lâu, nộp ở đâu?": a procedure's opening paragraph names its form, office and deadline at
 * once. It leads when it states more of the asked kinds of fact than the first screen of the chosen lines.
 * A form only implied by a yes-or-no question does not count.
 */
function procedureSummary(read: ReadQuestion, primary: StoredPassage, allPassages: readonly StoredPassage[], firstScreen: string): string | undefined {
  if (primary.meta.doc_type !== 'thu-tuc') return undefined;
  const opening = allPassages.find((p) => p.docId === primary.docId && p.ordinal === 0);
  if (!opening) return undefined;
  // The opening paragraph, without the other names the procedure is searched by.
  const text = withoutAliases(openingOf(opening).split(/\n\s*\n/u)[0]!.trim());
  const asked = askedOf(read.impliedForm ? { ...read, alsoAsks: read.alsoAsks.slice(0, -1) } : read);
  if (firstScreen.includes(text.slice(0, 60))) return undefined;
  // "thủ tục công nhận thương binh", asked as a topic: the procedure in brief is the answer.
  if (asked.length === 0 && read.parts.length === 0) return isBareProcedure(read) ? text : undefined;
  return askedFactsIn(text, asked) > askedFactsIn(firstScreen, asked) ? text : undefined;
}

/**
 * "Thủ tục công nhận và giải quyết chế độ người hoạt động cách mạng, … bị địch bắt tù, đày (chế độ tù đày): người …
 * nộp …" → "Thủ tục chế độ người bị địch bắt tù, đày: người … nộp …". A line quoting a procedure's opening paragraph
 * names the procedure by its short name: on a phone's first screen the facts come before the full name, which
 * heads the passage quoted below.
 */
function underShortName(line: string, passages: readonly StoredPassage[]): string {
  const colon = line.indexOf(': ');
  if (!line.startsWith('Thủ tục') || colon < 0) return line;
  const said = line.slice(colon + 2).split('…')[0]!.trim();
  if (said.length < 20) return line;
  for (const p of passages) {
    const shortName = p.meta.citation;
    if (p.ordinal !== 0 || p.meta.doc_type !== 'thu-tuc' || !shortName?.startsWith('Thủ tục') || shortName.length >= colon) continue;
    const opening = openingOf(p);
    const at = opening.indexOf(': ');
    // A colon after the first sentence ends no name.
    if (at < 0 || /[.;](\s|$)/u.test(opening.slice(0, at)) || !opening.slice(at + 2).startsWith(said)) continue;
    return `${shortName}${line.slice(colon)}`;
  }
  return line;
}

const BARE_PROCEDURE = /^(thu tuc|tt|quy trinh)\b(?!.*\b(nao|gi|gom|bao)\b)/;
const isBareProcedure = (read: ReadQuestion): boolean => read.asks === undefined && read.alsoAsks.length === 0 && read.parts.length === 0 && BARE_PROCEDURE.test(fold(read.query.toLowerCase()));

/** Every kind of fact the message asks for, its parts' too. */
function askedOf(read: ReadQuestion): AskedKind[] {
  return [...new Set([read.asks, ...read.alsoAsks, ...read.parts.map((p) => p.asks)].filter((k): k is AskedKind => k !== undefined))];
}

/**
 * When every passage given comes from a text no longer in force on `today` (superseded, or past its
 * `effective_to`): a note naming the text that replaced it (and when it stopped applying), and the best
 * passage of that text when the knowledge base holds it (among the hits first, else by the question's
 * words). Nothing when any of them is in force.
 */
export function replacementOf(
  chosen: readonly StoredPassage[],
  hits: readonly ScoredPassage[],
  findDocument: ((reference: string) => readonly StoredPassage[]) | undefined,
  words: ReadonlySet<string>,
  today: string,
): { notes: string[]; passage?: StoredPassage } {
  if (chosen.length === 0 || chosen.some((p) => isInForce(p.meta, today))) return { notes: [] };
  const old = chosen[0]!.meta;
  const label = old.citation ?? old.doc_number ?? old.title;
  const ended = old.effective_to ? ` từ ngày ${vietnameseDate(nextDay(old.effective_to))}` : '';
  const by = chosen.map((p) => p.meta.superseded_by).find((b): b is string => Boolean(b));
  if (!by) {
    return { notes: [`⚠️ ${label} đã hết hiệu lực${ended}; kho tri thức chưa có văn bản thay thế. Đề nghị đối chiếu văn bản đang có hiệu lực trước khi áp dụng.`] };
  }
  const replacement = (findDocument?.(by) ?? []).filter((p) => isInForce(p.meta, today));
  const fromHits = hits.find((h) => replacement.some((p) => p.id === h.passage.id))?.passage;
  const passage = fromHits ?? bestByWords(replacement, words);
  const replacedLabel = passage ? (passage.meta.citation ?? passage.meta.doc_number ?? by) : by;
  const from = passage?.meta.effective ? ` (hiệu lực từ ${vietnameseDate(passage.meta.effective)})` : '';
  const note = passage
    ? `⚠️ ${label} đã được thay thế${ended} bởi ${replacedLabel}${from}; đoạn của văn bản thay thế được nêu trước, nội dung văn bản cũ chỉ để đối chiếu.`
    : `⚠️ ${label} đã được thay thế${ended} bởi ${by}; kho tri thức chưa có văn bản này, đề nghị đối chiếu ${by} trước khi áp dụng.`;
  return passage ? { notes: [note], passage } : { notes: [note] };
}

function bestByWords(passages: readonly StoredPassage[], words: ReadonlySet<string>): StoredPassage | undefined {
  let best: { passage: StoredPassage; score: number } | undefined;
  for (const passage of passages) {
    const score = tokenize(passage.text).filter((t) => words.has(t.folded)).length;
    if (!best || score > best.score) best = { passage, score };
  }
  return best?.passage;
}

/** 2025-06-30 → 2025-07-01 */
function nextDay(iso: string): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function uniquePassages(list: readonly StoredPassage[]): StoredPassage[] {
  const seen = new Set<string>();
  return list.filter((p) => (seen.has(p.id) ? false : (seen.add(p.id), true)));
}

/** Party documents are checked with the Party committee, State procedures with the Sở Nội vụ. */
export function unverifiedWarning(passages: readonly StoredPassage[]): string {
  return passages.some((p) => !p.meta.verified && p.meta.doc_type === 'ket-luan') ? UNVERIFIED_PARTY_WARNING : UNVERIFIED_WARNING;
}

/** The section headings of a passage inside its document (not the document title). */
export function sectionOf(p: StoredPassage): string {
  return p.path.join(' › ');
}

/** The citation of a passage; with `today`, whether its text was in force that day. */
export function toCitation(p: StoredPassage, today?: string): AnswerCitation {
  const citation: AnswerCitation = {
    id: p.id,
    docId: p.docId,
    citation: p.citation,
    verified: p.meta.verified,
    status: p.meta.status,
  };
  const url = p.meta.source_url?.[0];
  if (url) citation.sourceUrl = url;
  if (p.meta.effective) citation.effective = p.meta.effective;
  if (p.meta.effective_to) citation.effectiveTo = p.meta.effective_to;
  if (p.meta.superseded_by) citation.supersededBy = p.meta.superseded_by;
  if (today !== undefined) citation.inForce = isInForce(p.meta, today);
  // A guidance document's citation names the guide; the legal texts it rests on go beside it.
  if (p.meta.doc_number && !p.citation.includes(p.meta.doc_number)) citation.legalBasis = p.meta.doc_number;
  return citation;
}

/**
 * "Căn cứ: …" lines under an answer, one per distinct source, with the period it applies (from, and to once
 * it no longer does), what replaced it, and the link.
 */
export function formatSources(citations: readonly AnswerCitation[]): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const c of citations) {
    if (seen.has(c.citation)) continue;
    seen.add(c.citation);
    const effective = c.effective ? ` — hiệu lực từ ${vietnameseDate(c.effective)}` : '';
    const until = c.effectiveTo ? `${effective ? '' : ' —'} đến hết ngày ${vietnameseDate(c.effectiveTo)}` : '';
    const replaced = c.status === 'superseded' || c.inForce === false ? ` (đã hết hiệu lực${c.supersededBy ? `, thay bằng ${c.supersededBy}` : ''})` : '';
    const basis = c.legalBasis ? ` (theo ${c.legalBasis})` : '';
    lines.push(`Căn cứ: ${c.citation}${basis}${effective}${until}${replaced}`);
  }
  const urls = [...new Set(citations.map((c) => c.sourceUrl).filter((u): u is string => Boolean(u)))];
  if (urls.length) lines.push(`Nguồn: ${urls.slice(0, 2).join(' ; ')}`);
  return lines.join('\n');
}

/** 2022-02-15 → 15/02/2022 */
export function vietnameseDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return y && m && d ? `${d}/${m}/${y}` : iso;
}

/** "hồ sơ … gồm gì", "cần giấy tờ gì" (folded): the papers themselves are asked for. */
const ASKS_FOR_PAPERS = /\b(ho so|hs|giay to)\b.*\b(gom|can|nhung gi|gi|j|nao)\b/;
/** How many of the next hits may lend their procedure's section. */
const SECTION_HITS = 4;

/** The section of that kind in the first of the next hits' documents that has one. */
function sectionElsewhere(
  hits: readonly ScoredPassage[],
  intent: SectionIntent,
  words: ReadonlySet<string>,
  passagesOf: ((docId: string) => readonly StoredPassage[]) | undefined,
): StoredPassage | undefined {
  if (!passagesOf) return undefined;
  const primary = hits[0]!.passage.docId;
  for (const hit of hits.slice(1, 1 + SECTION_HITS)) {
    if (hit.passage.docId === primary) continue;
    const sections = passagesOf(hit.passage.docId).filter((p) => headingMatches(sectionOf(p), intent));
    if (sections.length > 0) return bestSection(sections, words);
  }
  return undefined;
}

/** The passage whose section heading shares most words with the question; the first on a tie. */
function bestSection(passages: readonly StoredPassage[], words: ReadonlySet<string>): StoredPassage | undefined {
  let best: { passage: StoredPassage; shared: number } | undefined;
  for (const passage of passages) {
    const shared = [...questionWords(sectionOf(passage))].filter((w) => words.has(w)).length;
    if (!best || shared > best.shared) best = { passage, shared };
  }
  return best?.passage;
}

function questionWords(question: string): Set<string> {
  return new Set(tokenize(question).filter((t) => t.folded.length > 1 || t.numeric).map((t) => t.folded));
}

const LIST_LINE = /^\s*(?:[-*+•]\s+|\d{1,2}[.)]\s+|[a-zđ][)]\s+)/u;
/** A list is never cut silently: it is kept whole up to this size, beyond it the missing items are counted. */
const MAX_LIST_CHARS = 1500;

/**
 * A passage cut to what answers the question: short passages whole; longer ones keep their first line
 * (it names the subject) and the lines sharing most words with the question, in their original order.
 * A numbered or bulleted list that any kept line belongs to is kept whole, with its lead-in; a list too
 * long for that says how many items are left out. `prepared`: the text's lines with their words, when
 * already known (PassageFeatures.linesOf).
 */
export function trimPassage(text: string, questionWords: ReadonlySet<string>, prepared?: readonly LineWords[]): string {
  const clean = text.trim();
  if (clean.length <= MAX_PASSAGE_CHARS) return clean;
  const lines = prepared?.map((l) => l.line) ?? clean.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim());
  const blockOf = listBlocks(lines);
  const scored = lines.map((line, index) => {
    const words = prepared?.[index]!.words ?? tokenize(line).map((t) => t.folded);
    const hits = words.filter((w) => questionWords.has(w)).length;
    return { index, line, score: index === 0 ? Number.POSITIVE_INFINITY : hits / Math.sqrt(words.length + 1) };
  });
  const keep = new Set<number>();
  let length = 0;
  for (const { index, line } of [...scored].sort((a, b) => b.score - a.score || a.index - b.index)) {
    if (keep.has(index)) continue;
    const block = blockOf[index];
    const members = block ? block : [index];
    const size = members.reduce((n, i) => n + lines[i]!.length + 1, 0);
    if (length + (block ? Math.min(size, MAX_LIST_CHARS) : line.length) > MAX_PASSAGE_CHARS && keep.size > 0) continue;
    for (const i of members) keep.add(i);
    length += size;
  }
  const out: string[] = [];
  let previous = -1;
  const ordered = [...keep].sort((a, b) => a - b);
  let listChars = 0;
  let listLeft = 0;
  for (const [n, index] of ordered.entries()) {
    const block = blockOf[index];
    if (block) {
      if (index === block[0]) listChars = 0;
      listChars += lines[index]!.length + 1;
      if (listChars > MAX_LIST_CHARS && LIST_LINE.test(lines[index]!)) {
        listLeft += 1;
        const last = ordered[n + 1] === undefined || blockOf[ordered[n + 1]!] !== block;
        if (last) {
          out.push(`(… còn ${listLeft} mục nữa của danh sách này chưa hiển thị; gõ /chitiet để xem đủ)`);
          listLeft = 0;
        }
        previous = index;
        continue;
      }
    }
    if (previous >= 0 && index > previous + 1) out.push('…');
    out.push(lines[index]!.length > MAX_PASSAGE_CHARS ? cutAtWord(lines[index]!, MAX_PASSAGE_CHARS) : lines[index]!);
    previous = index;
  }
  if (previous < lines.length - 1) out.push('…');
  return out.join('\n');
}

/** For each line of a list (and the lead-in line before it), the indices of that whole list. */
function listBlocks(lines: readonly string[]): (number[] | undefined)[] {
  const blocks: (number[] | undefined)[] = new Array(lines.length).fill(undefined);
  for (let i = 0; i < lines.length; i++) {
    if (!LIST_LINE.test(lines[i]!)) continue;
    const start = i > 0 && /:\s*$/.test(lines[i - 1]!) && !LIST_LINE.test(lines[i - 1]!) ? i - 1 : i;
    let end = i;
    while (end + 1 < lines.length && LIST_LINE.test(lines[end + 1]!)) end++;
    const block = Array.from({ length: end - start + 1 }, (_, k) => start + k);
    for (const k of block) blocks[k] = block;
    i = end;
  }
  return blocks;
}

/** `text` cut to about `max` characters at a word boundary, with "…". */
export function cutAtWord(text: string, max: number): string {
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut) + '…';
}

