import type { StoredPassage } from '../storage/knowledge-store.js';
import { amountKey, MONEY_PATTERN } from '../knowledge/types.js';
import { fold, NOT_AFTER_NAME_ABBREVIATION } from '../text/normalize.js';
import { isStopWord, tokenize, type Token } from '../text/tokenize.js';
import type { AmountRegistry, RegisteredAmount } from './amounts.js';
import { askedKind, datesIn, type AskedKind, type ReadQuestion } from './reading.js';
import { parseReferences } from '../retrieval/references.js';
import { contentWords, LIST_ITEM, unitsOf, type AnswerUnit } from './answer-units.js';
import { PassageFeatures, remember } from './passage-features.js';
import { BROAD_TOPICS } from './procedure-openings.js';
import { benefitsNamedIn, groupsIn } from './case-terms.js';
import { askedPercentsOf, percentBrackets, percentFit } from './percents.js';

export interface DirectAnswer {
  /** The first lines of the reply: the asked fact, verbatim from the knowledge base, with its period. */
  lines: string[];
  /** The passages those lines come from. */
  passages: StoredPassage[];
  /** False when the passages do not hold the kind of fact asked (no amount for an amount question…). */
  found: boolean;
}

/** What a line must contain to answer each kind of question (absent: any line may answer). */
const REQUIRED: Partial<Record<AskedKind, RegExp>> = {
  // A sum, a multiple of a base ("1,5 lần mức chuẩn", "03 tháng trợ cấp, phụ cấp"), or an allowance's coefficient ("hệ số 0,6").
  amount: /\d{1,3}(?:\.\d{3})+\s?(?:đồng|đ)(?![\p{L}\p{N}])|\d+(?:,\d+)? lần mức (?:chuẩn|tham chiếu|lương cơ sở)|\d+ tháng (?:trợ cấp|phụ cấp|lương)(?![\p{L}\p{N}])|hệ số \d+(?:,\d+)?(?![\p{N}])/u,
  form: /\bMẫu (?:số )?\d+/u,
  // Offices written as offices: "Sở", "Bộ" capitalised (not "cơ sở", "cán bộ"), not the head of state.
  where: /(?<![\p{L}\p{N}])(?:[Nn]ộp|[Gg]ửi|[Tt]iếp nhận|[Nn]ơi|[Tt]ại|[Đđ]ến|[Ll]iên hệ|[Dd]o|[Qq]ua)(?![\p{L}\p{N}]).{0,60}(?:Ủy ban|UBND|Sở Nội vụ|Sở|Bộ|cơ quan|[Pp]hòng|Chủ tịch(?! nước)|xã|phường)|(?:Ủy ban nhân dân|UBND|Sở Nội vụ|Chủ tịch(?! nước))(?![\p{L}\p{N}]).{0,60}(?:tiếp nhận|xác nhận|quyết định|ra quyết định|cấp|lập|giải quyết|thực hiện)/u,
  // Not "03 tháng trợ cấp": a sum counted in months of an allowance is an amount.
  deadline: /\b\d+ (?:ngày|tháng|năm)\b(?! (?:trợ cấp|phụ cấp|lương)(?![\p{L}]))|\bthời hạn\b|\bniên hạn\b/iu,
  code: /\b[12]\.\d{6}\b/u,
  // "hưởng từ tháng Chủ tịch nước ký quyết định": a time told by the event that starts it.
  when: /(?<![\p{L}\p{N}])(?:\d{1,2}\/\d{1,2}(?:\/\d{4})?|ngày \d{1,2}|quý (?:I{1,3}|IV|[1-4])|tháng \d{1,2}|hằng năm|đầu năm|cuối năm)(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])(?:kể )?từ (?:tháng|ngày) (?!\d)/u,
};

/** "do ai ký", "người nào ký" (folded): who signed a text. */
const SIGNER_ASKED = /\b(ai|nguoi nao) (da )?ky\b/;
/** A line that says who signed: "… ký", "thay mặt …". */
const SIGNED = /(?<![\p{L}])(ký|thay mặt)(?![\p{L}])/iu;

const KIND_NAMES: Record<AskedKind, string> = {
  amount: 'mức tiền',
  form: 'mẫu giấy tờ',
  where: 'nơi nộp, cơ quan giải quyết',
  deadline: 'thời hạn',
  when: 'thời điểm',
  eligibility: 'điều kiện',
  documents: 'thành phần hồ sơ',
  steps: 'các bước thực hiện',
  document: 'nội dung văn bản',
  definition: 'nghĩa của từ',
  code: 'mã thủ tục',
};

/**
 * How many of the asked kinds of fact a text states (a list of papers is named by its form, the steps by the
 * office they go through).
 */
export function askedFactsIn(text: string, kinds: readonly AskedKind[]): number {
  return new Set(kinds.map(factOf).filter((r): r is RegExp => r !== undefined && r.test(text))).size;
}

/** The facts of the asked kinds a text states, as written ("1.400.000 đồng", "Mẫu số 18"). */
export function askedFactStrings(text: string, kinds: readonly AskedKind[]): string[] {
  return kinds
    .map(factOf)
    .filter((r): r is RegExp => r !== undefined)
    .flatMap((r) => [...text.matchAll(new RegExp(r.source, `${r.flags}g`))].map((m) => m[0]));
}

/** Whether a kind of question is answered by a fact a line must hold (an amount, a form, an office…). */
export const hasFactKind = (kind: AskedKind): boolean => factOf(kind) !== undefined;

const factOf = (kind: AskedKind): RegExp | undefined => REQUIRED[kind === 'documents' ? 'form' : kind === 'steps' ? 'where' : kind];

export function kindName(kind: AskedKind): string {
  return KIND_NAMES[kind];
}

/** A list up to this length is quoted whole in the first lines. */
const SHORT_LIST_CHARS = 700;
/** Any list this small is quoted whole, whatever is asked. */
const TINY_LIST_CHARS = 450;

/** Words of a question that are in the knowledge base's way of asking nothing in particular. */
const ASKING_WORDS = new Set(['co', 'duoc', 'khong', 'bi', 'gi', 'nao', 'bao', 'nhieu', 'the', 'sao', 'nhu', 'lam', 'phai', 'tien', 'tro', 'cap', 'tro cap', 'huong', 'nhan', 'nguoi', 'thi', 'nay', 'hien', 'con', 've']);

/**
 * True when `line` speaks of what `part` asks beyond the rest of the message: a part question's line
 * must share one of its own words ("gián đoạn"), else it is a neighbouring fact. A part made only of
 * asking words ("mức bao nhiêu?") is answered by any line.
 */
export function answersOwnWords(line: string, part: string, rest: string): boolean {
  const restWords = contentWords(rest);
  const own = [...contentWords(part)].filter((w) => !w.includes(' ') && !restWords.has(w) && !ASKING_WORDS.has(w) && !/^\d+$/.test(w));
  if (own.length === 0) return true;
  const lineWords = contentWords(line);
  return own.some((w) => lineWords.has(w));
}

function overlap(unit: Set<string>, question: Set<string>, weight: (word: string) => number = () => 1): number {
  let score = 0;
  for (const w of question) if (unit.has(w)) score += (w.includes(' ') ? 2 : 1) * weight(w);
  return score;
}

/**
 * How much a unit speaks of the question: a list item's own words count whole, its lead-in's at half, so
 * that the item which answers leads, not any item under a lead-in that repeats the question.
 */
function relevance(unit: AnswerUnit, words: Set<string>, question: Set<string>, weight: (word: string) => number, features: PassageFeatures, memo: Map<string, unknown>): number {
  // A table row: the sentence that introduces the table counts at half, like a list item's lead-in.
  if (unit.context) {
    const contextOnly = remember(memo, 'context words', () => new Set([...contentWords(unit.context!)].filter((w) => !words.has(w))));
    return overlap(words, question, weight) + 0.5 * overlap(contextOnly, question, weight);
  }
  if (!unit.item) return overlap(words, question, weight);
  const { own, leadOnly } = features.itemWordsOf(unit.item, words);
  return overlap(own, question, weight) + 0.5 * overlap(leadOnly, question, weight);
}

/**
 * Weights of the question's words by how rare they are among the candidate lines: "mầm non" tells which
 * line answers more than "trợ cấp" does.
 */
function rarityWeights(units: readonly Set<string>[], question: ReadonlySet<string>): (word: string) => number {
  const df = new Map<string, number>();
  for (const words of units) for (const w of question) if (words.has(w)) df.set(w, (df.get(w) ?? 0) + 1);
  const n = Math.max(1, units.length);
  return (word) => Math.min(2.5, Math.log(1 + n / (1 + (df.get(word) ?? 0))) / Math.log(1 + n / 2) || 1);
}

/**
 * Chooses the one to three units that state what the question asks (the amount, the form, the office,
 * the deadline, the condition…) from the best passages, and adds to each amount the period it applies to.
 */
export function directAnswer(input: DirectAnswerInput): DirectAnswer {
  const first = directAnswerTo(input);
  const { asks, alsoAsks } = input.read;
  // Another part that asks for a fact a line must hold (an amount, a form…), never one any line may answer.
  const next = alsoAsks.find((kind) => REQUIRED[kind] !== undefined);
  if (first.found || next === undefined || asks === undefined) return first;
  // "…bao nhiêu, hồ sơ gì, nộp ở đâu?" and the best passages name no office: the other parts are still
  // answered, and the office is looked for after them, in the other documents too.
  const retried = directAnswerTo({ ...input, read: { ...input.read, asks: next, alsoAsks: [...alsoAsks.filter((kind) => kind !== next), asks] } });
  return retried.found && retried.lines.length > 0 ? retried : first;
}

interface DirectAnswerInput {
  read: ReadQuestion;
  /** The question as the searcher understood it (abbreviations expanded), when known. */
  expandedQuery?: string;
  candidates: readonly StoredPassage[];
  /** The rest of the best document: where the other parts of a many-part question are looked for too. */
  related?: readonly StoredPassage[];
  registry: AmountRegistry;
  today: string;
  /** The passages' units and words, kept between questions (see PassageFeatures). */
  features?: PassageFeatures;
  /** The question is one of several a message asks: a list is cut to the item with the asked fact. */
  onePartOfMany?: boolean;
}

function directAnswerTo(input: DirectAnswerInput): DirectAnswer {
  const { read, candidates, registry, today } = input;
  const kind = read.asks;
  const questionWords = contentWords(`${read.query} ${input.expandedQuery ?? ''}`);
  // "…do ai ký?": the line that says who signed it, not an office.
  const required = kind === 'where' && SIGNER_ASKED.test(fold(read.question.toLowerCase())) ? SIGNED : kind ? REQUIRED[kind] : undefined;
  const scored: { unit: AnswerUnit; score: number; words: Set<string>; memo: Map<string, unknown> }[] = [];
  const askedAboutThePast = asksAboutThePast(read, registry, today);
  const askedTimes = [...read.dates.map((d) => d.iso), ...read.years.map(String)];
  const references = parseReferences(read.question);
  const forms = references.filter((r) => r.kind === 'form').map((r) => r.number!);
  const documents = references.filter((r) => r.kind === 'document' && r.doc).map((r) => new RegExp(`(?<![\\d/])${r.doc!.replace(/[/.]/g, '\\$&')}(?![\\d])`, 'u'));
  const documentsKey = `documents ${documents.map((d) => d.source).join(' ')}`;
  const routeMatters = kind === 'deadline' || kind === 'when' || kind === 'where' || kind === 'steps' || kind === 'documents' || kind === 'form';
  // Files are handled by the route of the day they are handled: a year the story tells ("thương binh từ năm
  // 1972") does not make the question one about the old route; a date in the question itself may.
  const askedBeforeRouteChange = datesIn(read.question).some((d) => d.iso < ROUTE_CHANGE) || /\btrước\b/iu.test(read.question) || OLD_ROUTE.test(read.question);
  const askedAfterRouteChange = NEW_ROUTE.test(read.question) || /(?<![\p{L}\p{N}])(sáp nhập|chính quyền (địa phương )?(2|hai) cấp|bây giờ)(?![\p{L}\p{N}])/iu.test(read.question);
  const askedStates = statesOf(read.question);
  const statedPairs = affirmedPairs(read.question);
  const askedPercents = askedPercentsOf(read.question);
  const askedBenefits = benefitsNamedIn(read.question);
  const monthly = /\b(hằng|hàng|mỗi|một) tháng\b/iu.test(read.question);
  const counted = kind === 'document' || kind === undefined ? countOf(read.question) : undefined;
  const amountBonus = (unit: AnswerUnit): number => {
    const text = unit.item?.text ?? unit.text;
    let bonus = /\/(tháng|năm|lần|người|km)|hằng tháng|một lần/u.test(text) ? 1 : 0;
    if (monthly && MONTHLY.test(text)) bonus += 2;
    return bonus;
  };
  const features = input.features ?? new PassageFeatures();
  const pool = candidates.flatMap((passage, rank) => features.unitsOf(passage).map(({ unit, words, memo }) => ({ unit, rank, words, memo })));
  let relatedUnits: typeof pool | undefined;
  const relatedPool = () =>
    (relatedUnits ??= (input.related ?? [])
      .filter((p) => !candidates.some((c) => c.id === p.id))
      .flatMap((passage) => features.unitsOf(passage).map(({ unit, words, memo }) => ({ unit, rank: candidates.length, words, memo }))));

  const weight = rarityWeights(pool.map((p) => p.words), questionWords);
  // A papers or steps question may find its list in a passage of the best document or of a lower hit.
  const wantsList = kind === 'documents' || kind === 'steps';
  // "Thủ tục như thế nào?" about what the best passage covers: its own line on where to turn answers it, not
  // another procedure's list of papers.
  const routeLine = (unit: AnswerUnit, rank: number) => kind === 'steps' && rank === 0 && !unit.list && REQUIRED.where!.test(unit.item?.text ?? unit.text);
  const bestHasRoute = pool.some(({ unit, rank }) => routeLine(unit, rank));
  // The best document's list ranks just after the best hit; another document's, after every candidate.
  const listsElsewhere = wantsList
    ? relatedPool()
        .filter(({ unit }) => unit.list && PAPERS_LEAD_IN.test(unit.text) && (!bestHasRoute || unit.passage.docId === candidates[0]?.docId))
        .map((entry) => (entry.unit.passage.docId === candidates[0]?.docId ? { ...entry, rank: 1 } : entry))
    : [];
  const named = groupsIn(`${read.text} ${input.expandedQuery ?? ''}`);
  const basisAsked = BASIS_ASKED.test(read.question);
  const otherGroup = (subject: ReadonlySet<string>) => named.size > 0 && subject.size > 0 && ![...subject].some((g) => named.has(g));
  // The registry and the passages' features belong to one index snapshot: only the day changes what is kept.
  const replacedOnly = (memo: Map<string, unknown>, unit: AnswerUnit) => remember(memo, `replaced ${today}`, () => onlyReplacedAmounts(unit.text, registry, today, unit.passage.docId));
  const consider = (entries: typeof pool): void => {
    for (const { unit, rank, words, memo } of entries) {
      if (required && !required.test(unit.text) && !(unit.list && unit.list.items.some((i) => required.test(i)))) continue;
      // "Hồ sơ … gồm: đơn …; giấy …" written as one sentence is a list of papers too.
      const inlinePapers = wantsList && !unit.list && remember(memo, 'inline papers', () => INLINE_PAPERS.test(unit.text) || (!unit.item && PAPERS_AFTER_COLON.test(unit.text)));
      const listLeadIn = unit.list?.leadIn ?? (inlinePapers ? unit.text : undefined);
      if (wantsList && !listLeadIn && rank > 0) continue;
      // "Ví dụ cách tính: …" illustrates a rule: the rule itself is the answer.
      if (EXAMPLE.test(unit.item?.text ?? unit.text)) continue;
      // "chết năm 2012": never the item of a list by period whose period does not hold that day ("- Chết từ
      // 01/7/2025 đến …"). A line of its own stays: the notes on figures say which period applies.
      if (read.deathDate && unit.item && dayFit(unit.item.text, read.deathDate) < 0) continue;
      // A replaced amount, or one of a period that has ended ("Từ 01/7/2023 đến 30/6/2024, …"), answers only
      // a question about its time: never presented as today's.
      // A past year asked about lets in only the figures of that year ("từ 1/7/2017": not those of 2023).
      const stale = replacedOnly(memo, unit) || (read.dates.length === 0 && remember(memo, `ended ${today}`, () => endedPeriod(unit.item?.text ?? unit.text, today)));
      if (stale && !(askedAboutThePast && remember(memo, `asked time ${askedTimes.join(' ')}`, () => statesFigureOf(unit, askedTimes, registry, today)))) continue;
      // The best document's own list counts as if it were the next hit, wherever its passage ranked.
      const listRank = wantsList && listLeadIn && unit.passage.docId === candidates[0]?.docId ? Math.min(rank, 1) : rank;
      let score = relevance(unit, words, questionWords, weight, features, memo) - listRank * 1.5;
      // A section of replaced figures ("Mức cũ …, đã được thay thế") names today's only to say what they replaced.
      if (!askedAboutThePast && remember(memo, 'replaced section', () => REPLACED_SECTION.test(unit.passage.heading))) score -= 4;
      // A list of the texts a procedure rests on ("Căn cứ pháp lý …") names every word of the question and answers
      // none of it, unless the basis itself is asked.
      if (!basisAsked && remember(memo, 'basis section', () => BASIS_SECTION.test(unit.passage.heading))) score -= 8;
      // "Cha tôi là thương binh…": a rule whose subject is another group ("Con liệt sĩ …") is about someone else.
      // A list's lead-in, whole, names what the list is about ("Hồ sơ giải quyết chế độ Bà mẹ Việt Nam anh hùng gồm:").
      if (otherGroup(remember(memo, 'subject groups', () => groupsIn(unit.list?.leadIn ?? (unit.item?.text ?? unit.text).slice(0, SUBJECT_CHARS))))) score -= 3;
      // The best document's own list of papers or steps, before its notes ("Những lưu ý…") or another's list.
      // A list of something else ("gia đình nhận các khoản sau:") is no list of papers.
      if (wantsList && !routeLine(unit, rank)) score += listLeadIn && (inlinePapers || PAPERS_LEAD_IN.test(listLeadIn)) ? 4 + (PAPERS_LIST.test(listLeadIn) && unit.passage.docId === candidates[0]?.docId ? 5 : 0) : -4;
      // "Phải làm gì?" is answered by the steps ("Trình tự …"), "hồ sơ gồm gì" by the papers.
      if (wantsList && listLeadIn && PAPERS_LIST.test(listLeadIn) && STEPS_LIST.test(listLeadIn) === (kind === 'steps')) score += 4;
      if (kind === 'eligibility' && /(?<![\p{L}\p{N}])(điều kiện|được hưởng|không được|chỉ|trường hợp|nếu)(?![\p{L}\p{N}])/iu.test(unit.text)) score += 1.5;
      // "Có đủ điều kiện … không?" is settled by a condition, not by the papers that prove it.
      if (kind === 'eligibility' && PAPERS_LIST.test(unit.list?.leadIn ?? unit.item?.leadIn ?? unit.text)) score -= 4;
      if (kind === 'amount') score += amountBonus(unit);
      // "…vào thời gian nào trong năm": a time that comes back each year (quý I, tháng 7 hằng năm), not a date.
      if (kind === 'when' && WITHIN_THE_YEAR.test(read.question) && RECURRING_TIME.test(unit.item?.text ?? unit.text)) score += 5;
      // "…được hưởng từ thời điểm nào": the event the benefit starts from ("hưởng từ tháng Chủ tịch nước ký
      // quyết định"), not the day an amount took effect ("2.789.000 đồng từ 01/7/2024").
      if (kind === 'when' && SINCE_WHEN.test(read.question) && STARTS_FROM_EVENT.test(unit.item?.text ?? unit.text)) score += 5;
      // "đã được hỗ trợ rồi": the line for that case, not the one for "chưa được hỗ trợ".
      if (askedStates.length > 0) score += stateFit(unit.item ? `${unit.item.leadIn} ${unit.item.text}` : unit.text, askedStates);
      // "vợ liệt sĩ đã tái giá, nuôi con liệt sĩ": not the line on one who did not ("tái giá mà không nuôi con liệt sĩ").
      if (statedPairs.size > 0 && deniesOneOf(remember(memo, 'denied pairs', () => deniedPairs(unit.item?.text ?? unit.text)), statedPairs)) score -= 4;
      // "bệnh binh 75%": the row of the bracket that holds 75 %, not those of the other brackets.
      // "tb 81% có được người phục vụ không": the row of 81 % answers only if it speaks of the benefit asked.
      if (askedPercents.length > 0) {
        const fit = percentFit(remember(memo, 'brackets', () => percentBrackets(unit.item?.text ?? unit.text)), askedPercents);
        const elsewhere = fit > 0 && askedBenefits.size > 0 && ![...remember(memo, 'benefits', () => benefitsNamedIn(`${unit.passage.heading} ${unit.item?.leadIn ?? ''} ${unit.item?.text ?? unit.text}`))].some((b) => askedBenefits.has(b));
        score += elsewhere ? 0 : fit;
      }
      // Since 01/7/2025 procedures run through the commune and the province: the old route answers only a
      // question about before that day.
      if (routeMatters && !askedBeforeRouteChange) score += routeWeight(remember(memo, 'route', () => routeOf(unit.item ? `${unit.item.leadIn} ${unit.item.text}` : unit.text)), askedAfterRouteChange);
      // "Mẫu số 16 là mẫu gì": the line that defines that form, before the lines that only name it.
      if (forms.length > 0) score += formBonus(unit.item?.text ?? unit.text, forms);
      // "…theo Quyết định 62/2011 không?": the line of that decision, not one of another decision beside it.
      if (documents.length > 0) score += remember(memo, documentsKey, () => documentBonus(unit, documents));
      // "xã có mấy phòng chuyên môn": the line that counts them ("có 3 phòng chuyên môn").
      if (counted && remember(memo, `count ${counted.source}`, () => counted.test(fold((unit.item?.text ?? unit.text).toLowerCase())))) score += 5;
      scored.push({ unit, score, words, memo });
    }
  };
  consider([...pool, ...listsElsewhere]);
  // No line of the best passages holds the asked fact (their figure's period has ended, say): another section
  // of their documents may ("… bằng 10 lần mức tham chiếu tại tháng chết").
  if (scored.length === 0 && required) {
    const docs = new Set(candidates.map((c) => c.docId));
    consider(relatedPool().filter(({ unit }) => docs.has(unit.passage.docId)));
  }
  scored.sort((a, b) => b.score - a.score);
  let best = scored[0];
  // "…miễn giảm tiền sử dụng đất bao nhiêu phần trăm?": when no line with an amount speaks of what the
  // question asks the amount of, the knowledge base lacks it; a neighbouring amount is no answer.
  // Only for a question of one part: the other questions of a message are answered each from its own passages.
  if (best && kind === 'amount' && read.parts.length === 0) {
    // Pairs the knowledge base never uses ("mai tán", "nhiem cdhh", "bây giờ") are typing, not a topic.
    const usedBy = (pair: string) => ({ words }: { words: Set<string> }) => words.has(pair);
    const known = [...topicPairs(read.question, kind)].filter((pair) => pool.some(usedBy(pair)) || relatedPool().some(usedBy(pair)));
    const speaks = ({ unit, memo }: { unit: AnswerUnit; memo: Map<string, unknown> }) => {
      const words = remember(memo, 'topic words', () => contentWords(`${unit.passage.heading} ${unit.item ? `${unit.item.leadIn} ` : ''}${unit.text}`));
      return known.some((pair) => words.has(pair));
    };
    // "…hỗ trợ theo mức 3.000 đồng/km … có đúng không": a line with the figure the asker quotes speaks of it.
    const quoted = new Set([...read.question.matchAll(MONEY_PATTERN)].map((m) => amountKey(m[0])));
    const quotes = ({ unit }: { unit: AnswerUnit }) => quoted.size > 0 && [...unit.text.matchAll(MONEY_PATTERN)].some((m) => quoted.has(amountKey(m[0])));
    if (known.length > 0 && !scored.some(speaks) && !scored.some(quotes)) return { lines: [], passages: [], found: false };
    // The best passage says the knowledge base lacks the amount ("… cơ sở tri thức chưa có các văn bản này"): an
    // amount from another passage, even of the same long text, is a neighbouring fact.
    const top = candidates[0];
    if (top && AMOUNT_GAP.test(top.text) && !scored.some(({ unit }) => unit.passage.id === top.id)) return { lines: [], passages: [], found: false };
    // "bmvnah mất được mai táng bao nhiêu": the amount of what is asked, not the group's other amount ranked above it.
    if (known.length > 0 && !speaks(best)) best = scored.find(speaks) ?? best;
  }
  if (!best || (required === undefined && best.score <= 0)) {
    return { lines: [], passages: [], found: kind === undefined || required === undefined };
  }
  // Further lines only for what the first leaves unanswered ("số mấy, hiệu lực từ khi nào?"), or, for an
  // amount, the other amounts of the same benefit.
  const chosen: AnswerUnit[] = [best.unit];
  const covered = new Set([...best.words].filter((w) => questionWords.has(w)));
  // A question that asks several things needs each fact short, so that all of them fit the first screen.
  const manyAsks = read.alsoAsks.length + read.parts.length > 0;
  const limit = best.unit.list ? 1 : kind === 'amount' ? 3 : 2;
  while (chosen.length < limit) {
    let next: { unit: AnswerUnit; gain: number; words: Set<string> } | undefined;
    for (const { unit, score, words: unitWords, memo } of scored) {
      if (unit.list || chosen.includes(unit) || score <= 0 || score < best.score * 0.5) continue;
      if (documents.length > 0 && remember(memo, documentsKey, () => documentBonus(unit, documents)) < 0) continue;
      if (chosen.some((c) => c.text.includes(unit.text) || unit.text.includes(c.text))) continue;
      // "…hằng tháng là bao nhiêu": the other monthly amounts, not a one-time sum.
      if (kind === 'amount' && monthly && !MONTHLY.test(unit.item?.text ?? unit.text)) continue;
      const words = [...unitWords].filter((w) => questionWords.has(w) && !covered.has(w));
      const gain =
        words.reduce((n, w) => n + (w.includes(' ') ? 2 : 1), 0) +
        (kind === 'amount' && score >= best.score * 0.8 ? 2 : 0) +
        (LEGAL_BASIS.test(unit.text) && !chosen.some((c) => LEGAL_BASIS.test(c.text)) ? 1 : 0);
      if (!next || gain > next.gain) next = { unit, gain, words: unitWords };
    }
    if (!next || next.gain < 2) break;
    chosen.push(next.unit);
    for (const w of next.words) if (questionWords.has(w)) covered.add(w);
  }
  // A question that asks two things ("mẫu số mấy, nộp cơ quan nào?") gets a line for the second one too.
  for (const other of read.alsoAsks) {
    // "…hồ sơ gồm những gì và mức bao nhiêu?": the list of papers, whole, is the line for its part.
    const wantsList = other === 'documents' || other === 'steps';
    // "hồ sơ, thủ tục …": after the papers, the steps ("Trình tự …"), which a list of papers does not give.
    const wanted = other === 'steps' && kind === 'documents' ? STEPS_LIST : wantsList ? PAPERS_LEAD_IN : REQUIRED[other];
    if (!wanted || chosen.length >= 3) continue;
    // Papers asked for in so many words ("hồ sơ gồm những gì") are answered by a list under a lead-in on
    // papers, not by a line that only says "nộp hồ sơ".
    const listOnly = wantsList && EXPLICIT_PAPERS.test(fold(read.question.toLowerCase()));
    // "…, mức tiền cấp cho xe lăn là bao nhiêu": a line with another amount (the travel money) does not answer it.
    const object = clauseWords(read.question, other);
    const speaksOf = (u: AnswerUnit) => object.size === 0 || [...contentWords(u.text)].some((w) => object.has(w));
    const answers = (u: AnswerUnit) =>
      listOnly
        ? Boolean(u.list && wanted.test(u.list.leadIn))
        : (wanted.test(u.text) || Boolean(!wantsList && u.list?.items.some((i) => wanted.test(i)))) && (other !== 'amount' || speaksOf(u));
    if (chosen.some(answers)) continue;
    let found: { unit: AnswerUnit; score: number } | undefined;
    const everywhere = [...pool, ...relatedPool()];
    // The list of papers, office, form or deadline of the procedure the best document describes, when it has
    // one: another document's answers another procedure.
    const procedureFact = wantsList || other === 'where' || other === 'form' || other === 'deadline';
    const ownOnly =
      procedureFact &&
      everywhere.some(
        ({ unit, words }) => Boolean(unit.list) === wantsList && unit.passage.docId === candidates[0]?.docId && wanted.test(unit.text) && (wantsList || overlap(words, questionWords) > 0),
      );
    // When some line with the fact names what the clause asks about ("xe lăn"), only such lines answer it.
    const mustSpeak = other === 'amount' && object.size > 0 && everywhere.some(({ unit }) => !unit.list && wanted.test(unit.text) && speaksOf(unit));
    // The form of a yes-or-no question's next step must be that of the benefit asked ("… tuất …": "Hồ sơ trợ cấp
    // tuất dùng Bản khai Mẫu số 12"), not of a neighbouring procedure that only shares the group's name.
    const implied = other === 'form' && read.impliedForm === true;
    // After a death the family's benefits are the subject, whoever died: the document that lists them says which form.
    const subject = implied && !read.afterDeath ? subjectWords(read.question) : undefined;
    for (const { unit, rank, words } of everywhere) {
      if (Boolean(unit.list) !== wantsList || !wanted.test(unit.text) || chosen.includes(unit)) continue;
      if (mustSpeak && !speaksOf(unit)) continue;
      if (subject && ![...words].some((w) => subject.has(w))) continue;
      if (ownOnly && unit.passage.docId !== candidates[0]?.docId) continue;
      // A form nobody asked for (the next step of a yes-or-no answer) is that of the document that answers, or none.
      if (implied && unit.passage.docId !== candidates[0]?.docId && !sharesTopic(unit.passage, candidates[0])) continue;
      // A line of the best document or a hit that holds the asked kind of fact and shares a word with the question.
      const shared = overlap(words, questionWords, weight);
      const score = shared - rank * 1.5 + (other === 'amount' ? amountBonus(unit) : 0) + (other === 'where' ? officeBonus(unit) : 0);
      if (shared > 0 && (!found || score > found.score)) found = { unit, score };
    }
    if (!found) continue;
    // The list replaces any of its own items chosen before: it is quoted whole, under its lead-in once.
    // It takes the place of the first of them: the best line still leads.
    const items = wantsList ? chosen.filter((u) => u.item && u.item.leadIn === found.unit.list?.leadIn) : [];
    const at = items.length > 0 ? chosen.indexOf(items[0]!) : chosen.length;
    for (const item of items) chosen.splice(chosen.indexOf(item), 1);
    chosen.splice(at, 0, found.unit);
  }
  const compact = required !== undefined && (kind === 'amount' || kind === 'deadline' || kind === 'when' || kind === 'where' || (manyAsks && kind === 'form'));
  const focus = (manyAsks || input.onePartOfMany === true) && kind !== 'documents' && kind !== 'steps' ? required : undefined;
  // Each line of a many-part answer is cut around the fact it was chosen for (an office, a form, an amount…).
  const partFacts = manyAsks ? read.alsoAsks.map((other) => REQUIRED[other]).filter((r): r is RegExp => r !== undefined) : [];
  const limitChars = manyAsks ? MANY_ASKS_LINE_CHARS : COMPACT_LINE_CHARS;
  // "…mẫu nào, nộp ở đâu, mất bao lâu": a line cut around one fact keeps the clauses with the others' too.
  const otherFacts = partFacts.length > 0 ? anyOf(partFacts) : undefined;
  // A list the chunker cut at a passage's end goes on in the next passage of its section ("17. Tật gai sống…").
  const whole = chosen.map((unit) => (unit.list ? continuedList(unit, input.related ?? []) : unit));
  const lines = renderUnits(whole, questionWords, kind, { focus, enumerates: ENUMERATION.test(read.question), day: read.deathDate, percents: askedPercents }).map(withoutAliases).map((line, index) => {
    const fact = compact && required.test(line) ? required : index > 0 ? partFacts.find((r) => r.test(line)) : undefined;
    const chars = index > 0 ? limitChars : COMPACT_LINE_CHARS;
    return fact ? compactLine(line, questionWords, fact, chars, otherFacts) : compact ? compactLine(line, questionWords, required, chars, otherFacts) : line;
  });
  const docs = new Set(chosen.map((u) => u.passage.docId));
  const withPeriods = lines.map((line) => line + periodNote(line, registry, today, docs));
  return { lines: withPeriods, passages: [...new Set(chosen.map((u) => u.passage))], found: true };
}

/**
 * A list that ends its passage, with the items that go on at the start of the next passage of the same section
 * (the chunker splits a long list between passages): the next numbers of a numbered list, the bullets of a bulleted one.
 */
function continuedList(unit: AnswerUnit, related: readonly StoredPassage[]): AnswerUnit {
  const items = unit.list!.items;
  const last = items.at(-1)!;
  const number = /^(\d{1,3})[.)]\s/u.exec(last);
  const bullet = /^[-*+•]\s/u.test(last);
  if ((!number && !bullet) || !unit.passage.text.trimEnd().endsWith(last)) return unit;
  const next = related.find((p) => p.docId === unit.passage.docId && p.ordinal === unit.passage.ordinal + 1 && p.heading === unit.passage.heading);
  if (!next) return unit;
  const continues = (row: string, count: number) => {
    if (bullet) return /^[-*+•]\s/u.test(row);
    const n = /^(\d{1,3})[.)]\s/u.exec(row);
    return n !== null && Number(n[1]) === Number(number![1]) + count + 1;
  };
  const more: string[] = [];
  for (const row of next.text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    if (!continues(row, more.length)) break;
    more.push(row);
  }
  return more.length > 0 ? { ...unit, list: { leadIn: unit.list!.leadIn, items: [...items, ...more] } } : unit;
}

/** An office named as such answers "nộp ở đâu" better than "the agency that manages the file". */
const NAMED_OFFICE = /(?<![\p{L}\p{N}])(Sở Nội vụ|UBND cấp (xã|tỉnh)|Ủy ban nhân dân cấp (xã|tỉnh)|Chủ tịch UBND|Bộ (Nội vụ|Quốc phòng|Công an)|Công an cấp)/u;
const officeBonus = (unit: AnswerUnit): number => (NAMED_OFFICE.test(unit.item?.text ?? unit.text) ? 1.5 : 0);

/** "đã được hỗ trợ", "chưa được cấp": a state and the verb it is about. */
const STATE = /\b(da|chua)( tung)? (duoc|nhan|huong|co)( [a-z]+)?/g;

/** The states a text names, folded ("da duoc ho", "chua duoc ho"), whether typed with marks or without. */
const WITHIN_THE_YEAR = /(?<![\p{L}])(trong năm|hằng năm|hàng năm|mỗi năm|hàng quý|quý nào|tháng nào)(?![\p{L}])/iu;
const SINCE_WHEN = /(?<![\p{L}])(hưởng|nhận|trả|tính)(?![\p{L}])[^?]{0,60}(?<![\p{L}])từ (thời điểm|khi|tháng|lúc|ngày) nào(?![\p{L}])/iu;
const STARTS_FROM_EVENT = /(?<![\p{L}])(hưởng|nhận|trả|tính)(?![\p{L}])[^.;]{0,20}(?<![\p{L}])từ (tháng|ngày) (?!\d)/iu;
const RECURRING_TIME = /(?<![\p{L}])(quý (I{1,3}|IV|[1-4])|hằng năm|hàng năm|đầu năm|cuối năm|hằng tháng)(?![\p{L}])/u;

function statesOf(text: string): { done: boolean; what: string }[] {
  return [...fold(text.toLowerCase()).matchAll(STATE)].map((m) => ({ done: m[1] === 'da', what: `${m[3]}${m[4] ?? ''}` }));
}

/** Words that deny what follows them ("không nuôi con", "chưa được"; folded). */
const DENIALS = new Set(['khong', 'chua', 'ko']);

/** The question's pairs of words that say what the case is, where it does not deny them ("nuoi con" in "đã tái giá, nuôi con liệt sĩ"; folded). */
function affirmedPairs(question: string): Set<string> {
  const tokens = tokenize(question);
  const pairs = new Set<string>();
  for (let i = 1; i < tokens.length; i++) {
    const [a, b] = [tokens[i - 1]!, tokens[i]!];
    if (affirms(a) && affirms(b) && !DENIALS.has(tokens[i - 2]?.folded ?? '')) pairs.add(`${a.folded} ${b.folded}`);
  }
  return pairs;
}

/** A word that says what the case is ("nuôi", "con"), not one that asks ("có được hưởng … không"). */
const affirms = (token: Token): boolean => !token.numeric && token.folded.length >= 2 && !isStopWord(token, 'folded') && !NOT_AFFIRMING.has(token.folded);
const NOT_AFFIRMING = new Set([...[...ASKING_WORDS].filter((w) => w !== 'con'), 'dc', 'ko', 'chua', 'da', 'van', 'roi', 'hay']);

/** The pairs of words a line denies ("… mà không nuôi con liệt sĩ" → "nuoi con"; folded). */
function deniedPairs(text: string): string[] {
  const tokens = tokenize(text).map((t) => t.folded);
  return tokens.flatMap((word, i) => (DENIALS.has(word) && i + 2 < tokens.length ? [`${tokens[i + 1]} ${tokens[i + 2]}`] : []));
}

/** The line denies one of the pairs the question states: it is about the other case. */
const deniesOneOf = (denied: readonly string[], stated: ReadonlySet<string>): boolean => denied.some((pair) => stated.has(pair));

/** +2 for a line about the state asked, −6 for one about its opposite only (it answers another case). */
function stateFit(text: string, asked: readonly { done: boolean; what: string }[]): number {
  const states = statesOf(text);
  let fit = 0;
  for (const a of asked) {
    if (states.some((s) => s.what === a.what && s.done === a.done)) fit = Math.max(fit, 2);
    else if (states.some((s) => s.what === a.what && s.done !== a.done)) fit = Math.min(fit, -6);
  }
  return fit;
}

const MONTHLY = /\/tháng|hằng tháng|hàng tháng|mỗi tháng/u;

/** A passage that says the knowledge base does not hold an amount. */
const AMOUNT_GAP = /(?<![\p{L}])(chưa có trong cơ sở tri thức|cơ sở tri thức chưa có)(?![\p{L}])/u;

/** A lead-in that opens the list of papers or steps itself ("Hồ sơ đề nghị … gồm:"), not notes about them. */
const PAPERS_LIST = /^(hồ sơ|thành phần|trình tự|các bước|giấy tờ)(?![\p{L}\p{N}])/iu;

/** A sentence that lists the papers itself ("Hồ sơ đề nghị … gồm: đơn …; giấy …"). */
const INLINE_PAPERS = /^(hồ sơ|thành phần hồ sơ|giấy tờ)[^.:\n]{0,160}\bgồm\s*:\s*\S/iu;
/** A sentence that names the papers after a colon ("Với người mất tích, … gửi UBND cấp xã: bản khai theo Mẫu số 14 kèm …"). */
const PAPERS_AFTER_COLON = /:\s*(bản khai|đơn|tờ khai|bản sao)(?![\p{L}\p{N}])/iu;

/** A lead-in that opens the steps of a procedure rather than its papers. */
const STEPS_LIST = /^(trình tự|các bước|quy trình|thời hạn)(?![\p{L}\p{N}])/iu;

/** The lead-in of a list of papers or steps ("Hồ sơ gồm:", "Trình tự thực hiện:"). */
const PAPERS_LEAD_IN = /(?<![\p{L}\p{N}])(hồ sơ|giấy tờ|thành phần|trình tự|các bước)(?![\p{L}\p{N}])/iu;

/** The day districts were abolished and their work passed to communes and provinces. */
const ROUTE_CHANGE = '2025-07-01';
const OLD_ROUTE = /\btrước (ngày )?0?1\/0?7\/2025\b|\bPhòng (LĐTBXH|Lao động)|\bSở LĐTBXH\b|\bcấp huyện\b/u;
const NEW_ROUTE = /(?<![\p{L}\p{N}])(từ|kể từ|sau) (ngày )?0?1\/0?7\/2025\b|\bSở Nội vụ(?![\p{L}\p{N}])|\bNghị định 129\/2025|\bhiện nay\b/iu;

/**
 * A line that describes only the route of before 01/7/2025 comes after those on today's route, and never
 * first when the question names today's; a line naming today's route comes a little earlier.
 */
function routeWeight(route: Route, askedAfter: boolean): number {
  if (route === 'new') return askedAfter ? 3 : 1;
  if (route === undefined) return 0;
  return askedAfter ? -50 : -6;
}

type Route = 'new' | 'old' | undefined;

/** Which route a line describes: today's (it names it), only the old one, or none. */
function routeOf(text: string): Route {
  return NEW_ROUTE.test(text) ? 'new' : OLD_ROUTE.test(text) ? 'old' : undefined;
}

/**
 * Whether a unit states an amount of a time asked about: a day ("2017-07-01") within the amount's period, or a
 * year ("2017") its period overlaps.
 */
function statesFigureOf(unit: AnswerUnit, times: readonly string[], registry: AmountRegistry, today: string): boolean {
  const docs = new Set([unit.passage.docId]);
  const entries = [...(unit.item?.text ?? unit.text).matchAll(MONEY_PATTERN)].flatMap((m) => registry.lookup(amountKey(m[0]), today, docs));
  return entries.some((e) =>
    times.some((t) => (t.length === 4 ? e.from <= `${t}-12-31` && (!e.to || e.to >= `${t}-01-01`) : e.from <= t && (!e.to || t <= e.to))),
  );
}

/**
 * The question names an amount, or a year in which another figure applied than today's: a year before any
 * registered figure (a war year, the year of a retirement) says nothing about which figure applies, and
 * "hiện nay" asks about today whatever the story's years.
 */
function asksAboutThePast(read: ReadQuestion, registry: AmountRegistry, today: string): boolean {
  if (read.amounts.length > 0) return true;
  if (/(?<![\p{L}\p{N}])(hiện nay|hiện tại|bây giờ|hiện giờ)(?![\p{L}\p{N}])/iu.test(read.question)) return false;
  const earliest = registry.earliestFrom() || today;
  const first = Number(earliest.slice(0, 4));
  return read.years.some((y) => y >= first && y < Number(today.slice(0, 4))) || read.dates.some((d) => d.iso >= earliest && d.iso < today);
}

const EXAMPLE = /^(Ví dụ|VD)(?![\p{L}\p{N}])/u;
/** The opening of a line, where its subject is named. */
const SUBJECT_CHARS = 40;
const BASIS_SECTION = /(?:^|—\s)căn cứ( pháp lý)?(?![\p{L}])/iu;
const REPLACED_SECTION = /(?<![\p{L}\p{N}])(mức cũ|đã được thay thế)(?![\p{L}\p{N}])/iu;
const CLOSED_PERIOD = /(?<![\p{L}\p{N}])từ (?:ngày )?\d{1,2}\/\d{1,2}\/\d{4} đến (?:hết )?(?:ngày )?(\d{1,2})\/(\d{1,2})\/(\d{4})/giu;

const DAY = String.raw`(?:ngày )?(\d{1,2})\/(\d{1,2})\/(\d{4})`;
const BETWEEN = new RegExp(`(?<![\\p{L}\\p{N}])từ ${DAY} đến (?:hết )?${DAY}`, 'iu');
/** "từ 01/7/2026" with no end: a period still running. */
const SINCE = new RegExp(`(?<![\\p{L}\\p{N}])từ ${DAY}(?! đến)`, 'iu');
const BEFORE = new RegExp(`(?<![\\p{L}\\p{N}])trước ${DAY}`, 'iu');
const isoOf = (d: string, m: string, y: string) => `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;

/** The line states a period "từ … đến …" that ended before today, and no other (none still running). */
function endedPeriod(text: string, today: string): boolean {
  const ends = [...text.matchAll(CLOSED_PERIOD)].map((m) => `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`);
  return ends.length > 0 && ends.every((end) => end < today) && !SINCE.test(text);
}

/** True when every amount of a line is registered only for a period that has ended. */
export function onlyReplacedAmounts(text: string, registry: AmountRegistry, today: string, docId: string): boolean {
  const amounts = [...text.matchAll(MONEY_PATTERN)].map((m) => amountKey(m[0]));
  if (amounts.length === 0) return false;
  return amounts.every((key) => {
    const entries = registry.lookup(key, today, new Set([docId]));
    return entries.length > 0 && entries.every((e) => e.to !== undefined && e.to < today);
  });
}

/** A clause this short that states a fact is kept in a cut line even a little over its length. */
const SHORT_FACT_CHARS = 40;
/** The note periodNote() appends to a line with an amount. */
const PERIOD_NOTE = / \((áp dụng từ [^(),]*)(?:, [^()]*)?\)$/u;
/** How far over its share a cut line may run to keep a fact only one clause states (namesMore, ownFact). */
const OVER_SHARE_SLACK = 1.4;
/** A first line longer than this is cut to its clauses that hold the asked fact (atomic facts only). */
const COMPACT_LINE_CHARS = 360;
/** The same for each line of an answer to a question that asks several things, so that all fit the first screen. */
const MANY_ASKS_LINE_CHARS = 240;

/**
 * A long sentence cut to the clauses that answer an atomic question (an amount, a form, an office, a
 * deadline): its opening clause (the subject), the clause with the asked fact, and the clauses sharing most
 * words with the question, in their order, verbatim, with "…" where clauses are left out. Lists and short
 * lines are kept whole.
 */
function compactLine(line: string, questionWords: Set<string>, required: RegExp, maxChars = COMPACT_LINE_CHARS, secondary?: RegExp): string {
  if (line.length <= maxChars || line.includes('\n')) return line;
  // The note on an amount's period ("(áp dụng từ 01/7/2024, theo Phụ lục II …)") is no clause to weigh: the
  // line is cut without it, and keeps the period it states.
  const note = PERIOD_NOTE.exec(line);
  if (note) {
    const period = `(${note[1]})`;
    return `${compactLine(line.slice(0, note.index), questionWords, required, maxChars - period.length - 1, secondary)} ${period}`;
  }
  // "1. Giấy báo tử …": an item's number ends no sentence; it stays with the item's first clause.
  const marker = /^(?:\d{1,2}[.)]|[-*•])\s+/u.exec(line)?.[0] ?? '';
  if (marker) return marker + compactLine(line.slice(marker.length), questionWords, required, maxChars - marker.length, secondary);
  const clauses = line.split(CLAUSE_BREAK);
  if (clauses.length < 3) return line;
  const scored = clauses.map((clause, index) => ({
    index,
    score:
      index === 0
        ? Number.POSITIVE_INFINITY
        : (required.test(clause) ? 10 : secondary?.test(clause) ? 5 : 0) +
          // The clause after the fact often completes it ("…07 ngày làm việc để xác nhận, lập danh sách gửi Sở").
          (required.test(clauses[index - 1]!) ? 6 : 0) +
          (LEGAL_BASIS.test(clause) ? 4 : 0) +
          // "…; tử sĩ không thuộc diện này": the exclusion that settles a yes/no question.
          (EXCLUSION.test(clause) ? 5 : 0) +
          overlap(contentWords(clause), questionWords),
  }));
  const keep = new Set<number>();
  const covered = new Set<string>();
  let length = 0;
  for (const { index, score } of [...scored].sort((a, b) => b.score - a.score || a.index - b.index)) {
    const clause = clauses[index]!;
    const size = clause.length + 1;
    const words = [...contentWords(clause)].filter((w) => questionWords.has(w));
    // A fact in a few words ("tối đa 3 người") costs little: it stays even when the line runs a little over.
    const shortFact = (required.test(clause) || Boolean(secondary?.test(clause))) && size <= SHORT_FACT_CHARS && length + size <= maxChars + SHORT_FACT_CHARS;
    // The asked fact stays, and its figure when the clauses kept so far only name its kind ("sau thời hạn này").
    const firstFigure = hasFigure(clause, required) && ![...keep].some((i) => hasFigure(clauses[i]!, required));
    // "…trợ cấp và phụ cấp bao nhiêu": the figure of a thing the question names and no kept clause does
    // ("phụ cấp hằng tháng 1.399.000 đồng") stays too, a little over.
    const namesMore = ANY_MONEY.test(clause) && hasFigure(clause, required) && words.some((w) => w.includes(' ') && !covered.has(w)) && length + size <= maxChars * OVER_SHARE_SLACK;
    // A line cut for another kind of fact still states its own ("… từ trần, thân nhân … được hưởng trợ cấp tuất
    // hằng tháng 1.565.000 đồng/tháng" when the office is asked): a line of its subject alone says nothing.
    const ownFact = Boolean(secondary?.test(clause)) && ![...keep].some((i) => required.test(clauses[i]!) || Boolean(secondary?.test(clauses[i]!))) && length + size <= maxChars * OVER_SHARE_SLACK;
    if (keep.size > 0 && (score <= 0 || length + size > maxChars) && !(score >= 10 && !hasRequired(keep, clauses, required)) && !firstFigure && !shortFact && !namesMore && !ownFact) continue;
    keep.add(index);
    for (const w of words) covered.add(w);
    length += size;
  }
  const out: string[] = [];
  let previous = -1;
  for (const index of [...keep].sort((a, b) => a - b)) {
    const gap = previous >= 0 && index > previous + 1;
    if (gap) out.push('…');
    // "… con) được hưởng …": after a gap, a parenthesis whose opening was left out is not closed either.
    const clause = gap && !opensParenthesis(out.join(' ')) ? withoutUnopenedClose(clauses[index]!) : clauses[index]!;
    previous = index;
    if (!/[\p{L}\p{N}]/u.test(clause)) continue;
    // A parenthesis cut after its first clause ("(trước là Sở LĐTBXH, …") would name only what no longer
    // applies: it is left out whole when the clause that closes it is not kept.
    out.push(keep.has(index + 1) ? clause : withoutOpenParenthesis(clause));
  }
  if (previous < clauses.length - 1 && out.at(-1) !== '…') out.push('…');
  return out.join(' ');
}

/**
 * "Thủ tục di chuyển hài cốt liệt sĩ (bốc mộ liệt sĩ, cất bốc hài cốt, …): …": the other names a procedure
 * is searched by help the searcher, not the reader of a first line.
 */
export function withoutAliases(line: string): string {
  return line.replace(PROCEDURE_ALIASES, '$1');
}
const PROCEDURE_ALIASES = /^(Thủ tục [^():\n]{3,160}?) \((?:hay gọi là |còn gọi là )?[^()\d\n]*,[^()\d\n]*\)/u;

/** True when the text leaves a parenthesis open. */
function opensParenthesis(text: string): boolean {
  return (text.match(/\(/gu)?.length ?? 0) > (text.match(/\)/gu)?.length ?? 0);
}

/** The clause without the closing marks of parentheses opened before it ("con) được hưởng …" → "con được hưởng …"). */
function withoutUnopenedClose(clause: string): string {
  let depth = 0;
  let out = '';
  for (const char of clause) {
    if (char === '(') depth += 1;
    else if (char === ')' && depth === 0) continue;
    else if (char === ')') depth -= 1;
    out += char;
  }
  return out;
}

/** The clause without a parenthesis on a former name it opens and does not close ("… nơi thường trú (trước là Sở LĐTBXH," → "… nơi thường trú"). */
function withoutOpenParenthesis(clause: string): string {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < clause.length; i++) {
    if (clause[i] === '(') {
      if (depth === 0) open = i;
      depth += 1;
    } else if (clause[i] === ')' && depth > 0) depth -= 1;
  }
  // A citation cut short ("(khoản 1 Điều 37 Pháp lệnh …;") still cites; a former name cut short misleads.
  return depth > 0 && open > 0 && FORMER_NAME.test(clause.slice(open)) ? clause.slice(0, open).trimEnd() : clause;
}
const FORMER_NAME = /^\((trước|nay|Nghị định \d+(\/\d{4}\/NĐ-CP)? ghi)(?![\p{L}])/u;

const CLAUSE_BREAK = new RegExp(String.raw`(?<=[;,])\s+(?=\p{Ll}|\d)|(?<=\.)${NOT_AFTER_NAME_ABBREVIATION}\s+(?=\p{Lu})`, 'u');

const EXCLUSION = /(?<![\p{L}])không (thuộc (diện|đối tượng)|được (hưởng|hỗ trợ|xét)|phải là|áp dụng|tính|cộng)(?![\p{L}])/u;

/** Any fact a line can be kept for: an amount, a number of days or people, a form, an office. */
const ANY_FACT = new RegExp([REQUIRED.amount!, REQUIRED.form!, REQUIRED.deadline!, /\d+ người|tối đa|(?:mỗi|một|01) (?:năm|lần)|UBND|Ủy ban nhân dân|Sở Nội vụ/u].map((r) => r.source).join('|'), 'iu');
/** ANY_FACT, for every match in a text. */
const EVERY_FACT = new RegExp(ANY_FACT.source, 'giu');

/**
 * The first lines of a reply cut so that together they fit the first screen: each single-paragraph line
 * longer than its share keeps its subject and the clauses with the facts and the question's words.
 */
export function fitHead(given: readonly string[], question: string, budget: number, day?: string, asked: readonly AskedKind[] = []): string[] {
  // Over the first screen, a line's bare citation ("(khoản 1 Điều 122 Nghị định 131/2021/NĐ-CP)") gives way to the
  // facts: the passage quoted below and the "Căn cứ" lines still cite it. Not when the basis itself is asked.
  const over = given.reduce((n, l) => n + l.length + 3, 0) > budget;
  // Over the first screen, one item quoted from a list says nothing new when the lines above state its facts
  // already ("Mẫu số 32" in the first line, then "1. Đơn … theo Mẫu số 32. (còn 2 mục, xem dưới)").
  const kept = over ? given.filter((line, index) => index === 0 || !repeatsFacts(line, given.slice(0, index).join('\n'))) : given;
  const lines = over && !BASIS_ASKED.test(question) ? kept.map(withoutBareCitations) : kept;
  const total = lines.reduce((n, l) => n + l.length + 3, 0);
  if (lines.length < 2 || total <= budget) return [...lines];
  const share = Math.max(MIN_HEAD_LINE_CHARS, Math.floor(budget / lines.length));
  const words = contentWords(question);
  // The kinds of fact the question asks for come first; any other fact after them.
  const askedFacts = asked.map(factOf).filter((r): r is RegExp => r !== undefined);
  const facts = askedFacts.length > 0 ? anyOf(askedFacts) : ANY_FACT;
  const fit = (text: string) => (text.length > share ? keepPeriod(text, compactLine(text, words, facts, share, facts === ANY_FACT ? undefined : ANY_FACT)) : text);
  return lines.map((line, index) => {
    const rows = line.split('\n');
    // Only the first line's list is shortened: its passage is always quoted below, whole. A list the
    // question enumerates ("những khoản gì") is the answer: it stays whole.
    if (index > 0 || rows.length < 3 || line.length <= share * 1.5 || ENUMERATION.test(question)) return rows.map(fit).join('\n');
    return shortList(rows, words, share, day, facts).map(fit).join('\n');
  });
}

/** A lead-in, one item and "(còn N mục, xem dưới)", whose item states only facts that `above` states. */
function repeatsFacts(line: string, above: string): boolean {
  const rows = line.split('\n');
  if (rows.length !== 3 || !OMITTED.test(rows[2]!)) return false;
  const facts = [...rows[1]!.matchAll(EVERY_FACT)].map((m) => m[0]);
  return facts.length > 0 && facts.every((fact) => above.includes(fact));
}

/** "theo nghị định nào", "quy định ở điều nào", "căn cứ": the question asks for the legal basis. */
const BASIS_ASKED = /(?<![\p{L}\p{N}])((nghị định|điều|văn bản|quy định|thông tư|pháp lệnh|luật) (nào|gì|mấy|số mấy)|căn cứ|theo (đâu|quy định nào))(?![\p{L}\p{N}])/iu;
const LEGAL_UNIT = String.raw`(?:khoản|điểm|Điều|mục|Mục|Phụ lục|Chương)`;
const LEGAL_TEXT = String.raw`(?:Nghị định|Pháp lệnh|Thông tư|Luật|NĐ)`;
/** A parenthesis that only cites ("(khoản 1 Điều 28 Nghị định 131/2021/NĐ-CP)", "(Nghị định 75/2021/NĐ-CP)"). */
const BARE_CITATION = new RegExp(
  String.raw`^(?:(?:${LEGAL_UNIT}[^,;()]*?[,;] ?)*${LEGAL_UNIT}[^()]*?${LEGAL_TEXT}[^()]*|${LEGAL_TEXT} [0-9/A-ZĐa-z-]+|(?:khoản|điểm|Điều) \d+[a-zđ]?(?:(?:, | và | )(?:khoản |điểm |Điều )?\d+[a-zđ]?)*(?:,? dẫn [^()]*)?)$`,
  'u',
);

/** The line without its parentheses that only cite; one that also holds a date or an amount stays. */
function withoutBareCitations(line: string): string {
  return line.replace(/ \(([^()]*)\)/gu, (whole, inner: string) =>
    /\d{1,2}\/\d{1,2}\/\d{4}|\d\.\d{3}/u.test(inner) || !BARE_CITATION.test(inner) ? whole : '',
  );
}

function sharesTopic(a: StoredPassage, b: StoredPassage | undefined): boolean {
  const own = new Set((b?.meta.topic ?? []).filter((t) => !BROAD_TOPICS.has(t)));
  return (a.meta.topic ?? []).some((t) => own.has(t));
}

/** One pattern matching any of the kinds of fact given (REQUIRED's patterns). */
function anyOf(patterns: readonly RegExp[]): RegExp {
  return new RegExp(patterns.map((r) => r.source).join('|'), 'iu');
}

const ANY_MONEY = new RegExp(MONEY_PATTERN.source, 'u');
const APPLIES_FROM = /áp dụng từ (?:ngày )?\d{1,2}\/\d{1,2}\/\d{4}(?: đến (?:hết )?(?:ngày )?\d{1,2}\/\d{1,2}\/\d{4})?/u;

/** A line cut around its amount still says from when the amount applies: the period goes back in if it was cut. */
function keepPeriod(line: string, cut: string): string {
  const period = APPLIES_FROM.exec(line)?.[0];
  if (!period || cut.includes(period) || !ANY_MONEY.test(cut)) return cut;
  // "(Điều 9 Nghị định 75/2021/NĐ-CP, …": the period closes the citation the cut left open.
  return OPEN_CITATION.test(cut) ? `${cut} ${period})` : `${cut} (${period})`;
}
/** A line that ends inside a citation's parenthesis it opened ("… (Điều 9 Nghị định 75/2021/NĐ-CP, …"). */
const OPEN_CITATION = new RegExp(String.raw`\((?:${LEGAL_UNIT}|${LEGAL_TEXT})[^()]*$`, 'u');

/** +6 for an item whose period ("Chết từ … đến …", "từ …", "trước …") holds the day, -6 for one that does not. */
function dayFit(item: string, day: string): number {
  const between = BETWEEN.exec(item);
  if (between) return isoOf(between[1]!, between[2]!, between[3]!) <= day && day <= isoOf(between[4]!, between[5]!, between[6]!) ? 6 : -6;
  const since = SINCE.exec(item);
  if (since) return isoOf(since[1]!, since[2]!, since[3]!) <= day ? 6 : -6;
  const before = BEFORE.exec(item);
  if (before) return day < isoOf(before[1]!, before[2]!, before[3]!) ? 6 : -6;
  return 0;
}

/** "… nếu chết từ 01/7/2025 đến 30/6/2026": an item for deaths of a period that does not hold `day`. */
function diedInAnotherPeriod(item: string, day: string): boolean {
  return DIED_IN_PERIOD.test(item) && dayFit(item, day) < 0;
}
const DIED_IN_PERIOD = /(?<![\p{L}])(chết|từ trần|qua đời|hy sinh) (từ|trước|sau)(?![\p{L}])/iu;

const OMITTED = /^\(còn (\d+) mục, xem dưới\)$/u;

/**
 * Two answer lines quoting items of the same list (same lead-in) as one: the lead-in, the items of both in
 * the list's order, and how many are still left out. Undefined when they quote different things.
 */
export function mergeListLines(a: string, b: string, list?: readonly string[]): string | undefined {
  const [leadA, ...restA] = a.split('\n');
  const [leadB, ...restB] = b.split('\n');
  if (restA.length === 0 || restB.length === 0 || leadA !== leadB) return undefined;
  const itemsOf = (rows: string[]) => rows.filter((row) => !OMITTED.test(row));
  const total = (rows: string[]) => itemsOf(rows).length + Number(OMITTED.exec(rows.at(-1) ?? '')?.[1] ?? 0);
  const items = [...new Set([...itemsOf(restA), ...itemsOf(restB)])];
  if (list) items.sort((x, y) => list.indexOf(x) - list.indexOf(y));
  const omitted = Math.max(total(restA), total(restB)) - items.length;
  return [leadA!, ...items, ...(omitted > 0 ? [`(còn ${omitted} mục, xem dưới)`] : [])].join('\n');
}

/**
 * The words of the clause of a question that asks for one kind of fact ("mức tiền Nhà nước cấp cho xe lăn là
 * bao nhiêu" → "xe lăn"), without the words every such question uses.
 */
function clauseWords(question: string, kind: AskedKind): Set<string> {
  const clause = question.split(/[,;?]|(?<!\p{L})và(?!\p{L})/u).find((part) => askedKind(part) === kind);
  const words = [...contentWords(clause ?? '')].filter((w) => w.split(' ').every((part) => !ASKING_WORDS.has(part) && !/^(muc|bao|nhieu|la|cho|nha|nuoc)$/.test(part)));
  // Pairs first: folded single syllables collide ("xe lăn" and "01 lần" share "lan").
  const pairs = words.filter((w) => w.includes(' '));
  return new Set(pairs.length > 0 ? pairs : words);
}

/**
 * What the clause asking for one kind of fact asks about, as pairs of adjacent words ("miễn giảm", "sử dụng
 * đất" → "su dat"), without who it is for (the groups of the field), the asking words and the words every
 * benefit shares ("trợ cấp", "mức", "hằng tháng"), and without abbreviations and numbers. When that clause
 * names nothing ("mức bao nhiêu?"), the clause before it. Empty when the question names no such thing.
 */
function topicPairs(question: string, kind: AskedKind): Set<string> {
  const clauses = question.split(/[,;?]|(?<!\p{L})và(?!\p{L})/u);
  const at = clauses.findIndex((part) => askedKind(part) === kind);
  if (at < 0) return new Set();
  // Pairs of words next to each other in the question, as contentWords pairs them.
  const pairsOf = (clause: string) => {
    const tokens = tokenize(clause);
    const pairs = new Set<string>();
    for (let i = 1; i < tokens.length; i++) {
      const [a, b] = [tokens[i - 1]!, tokens[i]!];
      if ([a, b].every((t) => namesTopic(t, 2))) pairs.add(`${a.folded} ${b.folded}`);
    }
    return pairs;
  };
  const own = pairsOf(clauses[at]!);
  return own.size > 0 || at === 0 ? own : pairsOf(clauses[at - 1]!);
}

/** The question's own words that name what it is about: not the groups, the asking words or what every benefit shares. */
function subjectWords(question: string): Set<string> {
  return new Set(
    tokenize(question)
      .filter((t) => namesTopic(t, 3) && !ASKING_WORDS.has(t.folded))
      .map((t) => t.folded),
  );
}

/** A word of at least `minLength` letters that may name a topic: no number, stop word or word every benefit shares. */
function namesTopic(token: Token, minLength: number): boolean {
  return !token.numeric && token.folded.length >= minLength && !isStopWord(token, 'folded') && !TOPIC_NEUTRAL.has(token.folded);
}

/** Words that say who a benefit is for, that it is asked for, or that every benefit shares (folded syllables). */
const TOPIC_NEUTRAL = new Set(
  [
    'thuong binh benh liet si sy nguoi co cong than nhan me vo chong cha con ba ong bo chau anh hung viet nam',
    'chat doc hoa hoc hoat dong khang chien cach mang tu day dich bat thanh nien xung phong',
    'tro cap phu che do muc tien huong duoc ho uu dai nha nuoc thang nam moi hang lan dong bao nhieu la gi nao',
    'khong the sao nhu xin hoi cho biet hien nay nhan phai lam cua toi minh em khoan chuan chinh sach chua du da dang',
    'nua them con cung van roi thi neu',
    // "bị suy giảm khả năng lao động 61%", "tỷ lệ tổn thương": how hurt the person is, not what the amount is of.
    'suy kha nang lao dong ty le ton',
    // "như trường hợp của tôi", "nghe nói": how the asker speaks, not what the amount is of.
    'truong hop nghe noi',
  ]
    .join(' ')
    .split(' '),
);

/** "hồ sơ gồm những gì", "cần giấy tờ gì", "hồ sơ làm thế nào": the papers themselves are asked for (folded text). */
const EXPLICIT_PAPERS = /\b((ho so|hs|giay to)( [a-z]+){0,3} (gom|can|nhung gi|gi|nao|the nao|ra sao|nhu the nao)|can (nhung )?(gi|giay)|chuan bi (nhung )?gi)\b/;

/** "những khoản gì", "các chế độ nào", "các chế độ của gia đình sẽ được hưởng", "mỗi khoản bao nhiêu": the question asks for the whole list. */
export const ENUMERATION = /(?<![\p{L}\p{N}])(?:(?:những|các) (?:khoản|chế độ|quyền lợi|loại trợ cấp|khoản tiền|khoản trợ cấp)(?:(?: [\p{L}]+){0,2} (?:gì|nào)|(?: [\p{L}]+){0,4} (?:sẽ )?được (?:hưởng|nhận))|mỗi khoản)(?![\p{L}\p{N}])/iu;

/**
 * A list too long for its share of the first screen: its lead-in and the items that speak most of the
 * question, in their order, with how many items are left out ("(còn N mục, xem dưới)").
 */
function shortList(rows: readonly string[], words: Set<string>, share: number, day?: string, facts: RegExp = ANY_FACT): string[] {
  const [leadIn, ...rest] = rows;
  const omittedBefore = Number(OMITTED.exec(rest.at(-1) ?? '')?.[1] ?? 0);
  const items = omittedBefore > 0 ? rest.slice(0, -1) : rest;
  if (items.length < 2 || !items.every((item) => LIST_ITEM.test(item))) return [...rows];
  const ranked = items
    .map((item, index) => ({ index, score: overlap(contentWords(item), words) + (facts.test(item) ? 3 : 0) + (day ? dayFit(item, day) : 0) }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
  const keep = new Set<number>();
  let size = leadIn!.length;
  for (const { index, score } of ranked) {
    const item = items[index]!;
    if (keep.size > 0 && (score <= 0 || size + Math.min(item.length, share) > share * 1.5)) continue;
    keep.add(index);
    size += Math.min(item.length, share);
  }
  const omitted = omittedBefore + items.length - keep.size;
  const kept = items.filter((_, index) => keep.has(index));
  return [leadIn!, ...kept, ...(omitted > 0 ? [`(còn ${omitted} mục, xem dưới)`] : [])];
}
const MIN_HEAD_LINE_CHARS = 150;

/** A clause that names the article a rule comes from ("theo Điều 32 Nghị định 129/2025/NĐ-CP"). */
const LEGAL_BASIS = /\b(theo|tại|căn cứ) (khoản \d+ |điểm [a-zđ] )*(Điều \d+|Nghị định|Thông tư|Pháp lệnh|Luật|Quyết định)/iu;

/** The clause states the asked fact with its figure ("6 tháng", not "thời hạn"). */
function hasFigure(clause: string, required: RegExp): boolean {
  const m = required.exec(clause);
  return m !== null && /\d/u.test(m[0]);
}

function hasRequired(keep: ReadonlySet<number>, clauses: readonly string[], required: RegExp): boolean {
  return [...keep].some((i) => required.test(clauses[i]!));
}

/** "có mấy phòng", "bao nhiêu nhiệm vụ": a pattern for a line that gives that count ("3 phòng", "17 nhiệm vụ"). */
function countOf(question: string): RegExp | undefined {
  const noun = /\b(?:may|bao nhieu) ([a-z]+)\b/u.exec(fold(question.toLowerCase()))?.[1];
  if (!noun || NOT_COUNTED.has(noun)) return undefined;
  return new RegExp(`\\b(?:\\d+|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi)(?: [a-z]+)? ${noun}\\b`, 'u');
}
const NOT_COUNTED = new Set(['tien', 'dong', 'ngay', 'thang', 'nam', 'tuoi', 'lan', 'phan', 'km', 'trieu', 'nghin', 'gio']);

/** A legal text's number as lines cite it ("24/2016/QĐ-TTg", "131/2021/NĐ-CP"). */
const CITED_NUMBER = /(?<![\d/])\d{1,4}\/\d{4}\/(?:QĐ|NĐ|TT|NQ)(?![\p{L}])/u;
/** A conclusion or an official letter named by its number ("Kết luận 195-KL/TW", "Công văn số 19"). */
const NUMBERED_LETTER = /(?<![\d/])\d{2,4}-KL\/TW|(?<![\p{L}])(?:Kết luận|Công văn) (?:số )?\d+/u;

/**
 * +3 for a line under or naming an asked text (its number as a pattern), −3 for one that names only other texts;
 * a line that names another conclusion or letter ("Kết luận 195-KL/TW cũng giao …") is about that one, even in
 * the asked conclusion's document.
 */
function documentBonus(unit: AnswerUnit, documents: readonly RegExp[]): number {
  const text = unit.item?.text ?? unit.text;
  if (documents.some((doc) => doc.test(text))) return 3;
  if (NUMBERED_LETTER.test(text)) return -3;
  if (documents.some((doc) => doc.test(unit.passage.heading))) return 3;
  return CITED_NUMBER.test(text) ? -3 : 0;
}

function formBonus(text: string, forms: readonly number[]): number {
  let bonus = -2;
  for (const n of forms) {
    if (new RegExp(`^\\s*(?:[-*•]\\s*)?(?:\\*\\*)?Mẫu số 0?${n}(?!\\d)(?:\\*\\*)?\\s*[:–—-]`, 'u').test(text)) return 8;
    if (new RegExp(`Mẫu (?:số )?0?${n}(?!\\d)`, 'u').test(text)) bonus = 1;
  }
  return bonus;
}

/** The chosen units as lines, items of one list under their lead-in once. */
function renderUnits(
  units: readonly AnswerUnit[],
  questionWords: Set<string>,
  kind: AskedKind | undefined,
  { focus, enumerates = false, day, percents = [] }: { focus?: RegExp; enumerates?: boolean; day?: string | undefined; percents?: readonly number[] },
): string[] {
  const wholeLists = enumerates || kind === undefined || kind === 'eligibility' || kind === 'documents' || kind === 'steps' || kind === 'document';
  const showWhole = (items: readonly string[], chosen: string): boolean => {
    const size = items.join('\n').length;
    // A list that holds the one fact a many-part question asks of it is cut to that item (listLines).
    const focused = focus !== undefined && items.filter((item) => focus.test(item)).length === 1;
    // "thương binh hạng 3/4 bao nhiêu": of a list by rating, the item of the asked rating is the answer.
    if (!enumerates && onlyRatedItem(items, chosen, percents)) return false;
    return (wholeLists && size <= SHORT_LIST_CHARS) || (!focused && items.length <= 4 && size <= TINY_LIST_CHARS);
  };
  const lines: string[] = [];
  const leadIns = new Map<string, number>();
  const whole = new Set<string>();
  const shown = new Map<string, { index: number; list: string[]; count: number }>();
  for (const unit of units) {
    // A list of papers answers the question's ask for papers: never cut to the item of another ask's fact
    // (but a form question takes the item that names the form).
    if (unit.list) lines.push(listLines(unit.list, questionWords, PAPERS_LEAD_IN.test(unit.list.leadIn) && kind !== 'form' ? undefined : focus, day));
    else if (unit.item && showWhole(unit.item.all, unit.item.text) && !leadIns.has(unit.item.leadIn)) {
      // A short list is shown whole: an answer never drops items of the list it quotes, but those of another
      // period than the day of the death the story tells ("chết năm 2012") are only counted.
      const onDay = day ? unit.item.all.filter((item) => !diedInAnotherPeriod(item, day)) : unit.item.all;
      const left = unit.item.all.length - onDay.length;
      leadIns.set(unit.item.leadIn, lines.length);
      lines.push([unit.item.leadIn, ...onDay, ...(left > 0 ? [`(còn ${left} mục, xem dưới)`] : [])].join('\n'));
      whole.add(unit.item.leadIn);
    } else if (unit.item) {
      if (whole.has(unit.item.leadIn)) continue;
      const at = leadIns.get(unit.item.leadIn);
      const entry = shown.get(unit.item.leadIn) ?? { index: lines.length, list: unit.item.all, count: 0 };
      if (at === undefined) {
        leadIns.set(unit.item.leadIn, lines.length);
        const application = applicationOf(unit.item.leadIn, unit.item.all, unit.item.text);
        lines.push([unit.item.leadIn, ...(application ? [application] : []), unit.item.text].join('\n'));
        if (application) entry.count += 1;
      } else if (!lines[at]!.split('\n').includes(unit.item.text)) lines[at] += `\n${unit.item.text}`;
      else continue;
      entry.count += 1;
      shown.set(unit.item.leadIn, entry);
    } else lines.push(unit.text.replace(/^(?:[-*+•]|\d{1,2}[.)])\s+/u, '')); // an item quoted alone loses its bullet or number
  }
  for (const { index, list, count } of shown.values()) {
    if (count < list.length) lines[index] += `\n(còn ${list.length - count} mục, xem dưới)`;
  }
  return lines;
}

/** The chosen item is the only one of its list whose rating brackets hold an asked rating, and others name other brackets. */
function onlyRatedItem(items: readonly string[], chosen: string, percents: readonly number[]): boolean {
  if (percents.length === 0) return false;
  const fits = items.map((item) => percentFit(percentBrackets(item), percents));
  return fits.filter((fit) => fit > 0).length === 1 && fits[items.indexOf(chosen)] === 3 && fits.some((fit) => fit < 0);
}

/**
 * A list as an answer: whole, unless the question names one of its items (e.g. the paper needed for a
 * child under 18): then the lead-in, that item, and how many items the whole list has.
 */
function listLines(list: { leadIn: string; items: string[] }, questionWords: Set<string>, focus?: RegExp, day?: string): string {
  // "chết năm 2012" and a list by period of death: the item of that day's period.
  const onDay = day ? list.items.filter((item) => dayFit(item, day) > 0) : [];
  if (onDay.length === 1 && list.items.length > 1) return `${list.leadIn}\n${onDay[0]}\n(còn ${list.items.length - 1} mục, xem dưới)`;
  // The one item that holds the asked fact, when the question asks for that fact among others.
  const focused = focus ? list.items.filter((item) => focus.test(item)) : [];
  const otherPeriods = day ? list.items.filter((item) => diedInAnotherPeriod(item, day)).length : 0;
  if (otherPeriods > 0 && focused.length !== 1) {
    const kept = list.items.filter((item) => !diedInAnotherPeriod(item, day!));
    return [list.leadIn, ...kept, `(còn ${otherPeriods} mục, xem dưới)`].join('\n');
  }
  if (focused.length === 1 && list.items.length > 1) return `${list.leadIn}\n${focused[0]}\n(còn ${list.items.length - 1} mục, xem dưới)`;
  const leadWords = contentWords(list.leadIn);
  const specific = new Set([...questionWords].filter((w) => !GENERIC_LIST_WORDS.has(w) && !leadWords.has(w)));
  const scored = list.items.map((item) => ({ item, score: overlap(contentWords(item), specific) }));
  const best = [...scored].sort((a, b) => b.score - a.score)[0];
  const runnerUp = [...scored].sort((a, b) => b.score - a.score)[1];
  const tiny = list.items.join('\n').length <= TINY_LIST_CHARS;
  if (!tiny && best && best.score >= 3 && (!runnerUp || best.score >= runnerUp.score * 2) && list.items.length > 2) {
    const application = applicationOf(list.leadIn, list.items, best.item);
    const kept = application ? [application, best.item] : [best.item];
    return [list.leadIn, ...kept, `(còn ${list.items.length - kept.length} mục, xem dưới)`].join('\n');
  }
  return [list.leadIn, ...list.items].join('\n');
}

/**
 * A list of papers quoted by the paper the question names keeps its first item, the application on its form
 * ("1. Bản khai theo Mẫu số 11"): the named paper goes with it, never instead of it.
 */
function applicationOf(leadIn: string, items: readonly string[], quoted: string): string | undefined {
  const first = items[0];
  return first !== undefined && first !== quoted && PAPERS_LEAD_IN.test(leadIn) && REQUIRED.form!.test(first) ? first : undefined;
}

const GENERIC_LIST_WORDS = new Set(
  ['ho so', 'ho', 'so', 'giay', 'to', 'giay to', 'gom', 'thu tuc', 'thu', 'tuc', 'can', 'nop', 'mau', 'ban', 'khai', 'de nghi', 'tro cap', 'tro', 'cap', 'huong', 'nguoi co', 'co cong', 'cong', 'nguoi'],
);

/** " (áp dụng từ 01/7/2024, theo Nghị định 77/2024/NĐ-CP)" for a line naming an amount that lacks its period. */
function periodNote(line: string, registry: AmountRegistry, today: string, docIds: ReadonlySet<string>): string {
  const amounts = [...line.matchAll(MONEY_PATTERN)].map((m) => m[0]);
  if (amounts.length === 0) return '';
  if (/\btừ (ngày )?\d{1,2}\/\d{1,2}\/\d{4}\b|\bnăm 20\d\d\b|(?<![\p{L}\p{N}])áp dụng từ(?![\p{L}\p{N}])/u.test(line)) return '';
  const entry = registry.lookup(amountKey(amounts[0]!), today, docIds)[0];
  if (!entry) return '';
  return ` (${periodText(entry)}, theo ${entry.basis})`;
}

export function periodText(entry: Pick<RegisteredAmount, 'from' | 'to'>): string {
  return entry.to ? `áp dụng từ ${shortDate(entry.from)} đến ${shortDate(entry.to)}` : `áp dụng từ ${shortDate(entry.from)}`;
}

/** 2024-07-01 → 01/7/2024 (the way Vietnamese legal texts write dates). */
export function shortDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${Number(m)}/${y}`;
}

/** Lines for amounts the question names that no longer apply, and for the rules of a past year it names. */
export function figureNotes(read: ReadQuestion, direct: DirectAnswer, registry: AmountRegistry, today: string): string[] {
  const notes: string[] = [];
  const asked = contentWords(read.query);
  const relevance = (entry: RegisteredAmount) => overlap(contentWords(`${entry.what} ${entry.series ?? ''}`.replace(/-/g, ' ')), asked);
  for (const key of read.amounts) {
    const replaced = registry.replacementOf(key, today, relevance);
    if (!replaced) continue;
    const { old, current } = replaced;
    const confirmed = current.unconfirmed ? registry.onDate(current.series!, today, { confirmed: true }) : current;
    const latest = confirmed && confirmed.key !== old.key ? confirmed : undefined;
    notes.push(
      `⚠️ Mức ${old.value} (${old.what}) chỉ ${periodText(old)}.` +
        (latest ? ` Mức hiện hành là ${latest.value} (thay cho ${old.value} từ ${shortDate(latest.from)}, theo ${latest.basis}).` : '') +
        (current.unconfirmed ? ` ${unconfirmedText(current)}` : ''),
    );
  }
  // The figures of a date the question names (a death in 2019, "từ 1/7/2026"), when they differ from today's.
  const named = read.dates.filter((d) => d.iso !== today);
  if (read.asks === 'amount' && named.length > 0 && notes.length === 0) {
    const series = new Set<string>();
    const docs = new Set(direct.passages.map((p) => p.docId));
    for (const line of direct.lines) {
      for (const m of line.matchAll(MONEY_PATTERN)) {
        const entry = registry.lookup(amountKey(m[0]), today, docs)[0];
        if (entry?.series) series.add(entry.series);
      }
    }
    for (const s of series) {
      const now = registry.onDate(s, today);
      for (const { iso, label } of named) {
        const then = registry.onDate(s, iso);
        if (!then || (now && then.key === now.key && !then.unconfirmed)) continue;
        // A line that states the figure of that day and says from when the next one applies already answers it.
        if (!then.unconfirmed && now && direct.lines.some((line) => line.includes(then.value.replace(/ đồng$/u, '')) && line.includes(shortDate(now.from)))) continue;
        if (then.unconfirmed) {
          notes.push(`Với mốc ${label}: ${lowerFirst(unconfirmedText(then))}`);
          continue;
        }
        const nowText = !now ? '' : now.unconfirmed ? ` ${unconfirmedText(now)}` : ` Mức hiện hành là ${now.value} từ ${shortDate(now.from)}.`;
        notes.push(`Với mốc ${label}: mức khi đó là ${then.value} (${periodText(then)}, theo ${then.basis}).${nowText}`);
      }
    }
  }
  return notes;
}

/** An amount no official text confirms yet, said as such. */
function unconfirmedText(entry: RegisteredAmount): string {
  return `Từ ${shortDate(entry.from)}, một số nguồn nêu mức ${entry.value} nhưng chưa có văn bản xác nhận.`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
