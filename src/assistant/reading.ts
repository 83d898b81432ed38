import { fold, NOT_AFTER_NAME_ABBREVIATION } from '../text/normalize.js';
import { amountKey, MONEY_PATTERN } from '../knowledge/types.js';

/** What a question asks for: decides which line of a passage answers it first. */
export type AskedKind = 'amount' | 'form' | 'where' | 'deadline' | 'when' | 'eligibility' | 'documents' | 'steps' | 'document' | 'definition' | 'code';

/** A message read as a story (the facts of a case) plus the question. */
export interface ReadQuestion {
  /** The whole message (NFC, trimmed). */
  text: string;
  /** The question part: the message itself when it is short, else the sentences from the first question cue on. */
  question: string;
  /** The story part before the question ('' for a plain question). */
  story: string;
  /** What retrieval is given: the question and the case's domain words, without names, places, dates and ages. */
  query: string;
  asks: AskedKind | undefined;
  /** Other things the same question asks ("mẫu số mấy, nộp cơ quan nào?"). */
  alsoAsks: AskedKind[];
  /** Years the message mentions (e.g. the year of a death), for the rules that applied then. */
  years: number[];
  /** Dates the message names ("1/7/2026", "tháng 8/2026", "năm 2019"), as the day they stand for, with their label. */
  dates: { iso: string; label: string }[];
  /** Amounts of money the message names, as digits ("2055000"). */
  amounts: string[];
  /**
   * The other questions of a many-part message ("…mỗi khoản bao nhiêu? Mẹ tôi có được hưởng tuất không?"),
   * each with its own retrieval query (its words and the case's), answered with a line of their own.
   */
  parts: {
    question: string;
    query: string;
    asks: AskedKind | undefined;
    /**
     * A rule on a role the story names that settles "có được hưởng … không" ("tử sĩ" is no martyr; "mình tôi lo
     * việc thờ cúng"): its line comes first.
     */
    decisive?: boolean;
    /**
     * "… có được hưởng không? Nếu được thì thủ tục thế nào?": the part asks about the benefit the first
     * question settles, so the document that answers the first question answers it first.
     */
    follows?: boolean;
    /** The amount is asked only as how a benefit is ruled ("trợ cấp … như thế nào"): without one, any line answers. */
    impliedAmount?: boolean;
  }[];
  /**
   * A story's first question when it asks more than one ("… có được hưởng tuất không? Điều kiện công nhận … là gì?"):
   * the whole question part is searched together, so the first one is searched on its own too, for a line of its own
   * when the lines of the whole do not speak of it.
   */
  firstPart?: { question: string; query: string; asks: AskedKind | undefined };
  /** The question asks what the family receives after the death it names, no benefit named ("chế độ tử tuất…"). */
  afterDeath: boolean;
  /** The day of the death the message tells ("chết năm 2012", "mất tháng 3/2026"), when it gives one: its rules apply. */
  deathDate?: string;
  /** The form in `alsoAsks` is the next step of a yes-or-no question, not asked in so many words. */
  impliedForm?: boolean;
}

// Not after the abbreviations of place names ("TP. Hồ Chí Minh", "TX. Sơn Tây", "P. 5").
/**
 * A text lower-cased and without marks, as the cues below are written, except where folding would make
 * two words one: "mắt" (eye) is no "mất" (died), "tại gia (đình)" (at home) no "tái giá" (remarried).
 */
function plainOf(text: string): string {
  return fold(
    text
      .toLowerCase()
      .replace(/(?<![\p{L}])mắt(?![\p{L}])/gu, 'nhãn')
      .replace(/(?<![\p{L}])tại gia(?![\p{L}])/gu, 'ở nhà'),
  );
}

const SENTENCE_BREAK = new RegExp(String.raw`(?<=[?!])\s+|(?<=[.;…])${NOT_AFTER_NAME_ABBREVIATION}\s+(?=\p{Lu})|\n+`, 'u');

/** A sentence that says what the asker wants to do ("Nay tôi muốn xin cấp lại Bằng"): part of the question. */
// "Tôi có một vấn đề muốn được giải đáp như sau: …" wants an answer, not something done in the case.
const INTENT_CUE = /\b(muon(?! (duoc )?(giai dap|hoi|tu van|biet|trinh bay|chia se))|(toi|dang|du|gia dinh) dinh|co nguyen vong|can lam|phai lam|nho (xa|can bo))\b/;

/** Folded phrases that say a question is being put ("xin hỏi", "Ông Phúc hỏi,", "…?"). */
const ASKING_PHRASE =
  /(\bxin hoi\b|\bcho (toi|em|chau|minh|hoi) hoi\b|\btoi (muon )?hoi\b|\bhoi:|\b(ong|ba|anh|chi|ban doc)( [a-z]+){0,4} hoi[ ,:]|\bxin (cho )?biet\b|\bde nghi (cho biet|huong dan|giai dap)|\bvay (thi|cho|xin)\b)/;
/** An asking phrase or a bare question mark. */
const ASKING_CUE = new RegExp(`${ASKING_PHRASE.source}|\\?`);
/** "… được nhận tuất chưa?": a question mark after a word that asks. */
const QUESTION_PARTICLE = /\b(chua|khong|ko|k|nao|gi|sao|chang|a|u|nhi|vay)\s*\?/;
/** Folded phrases a question uses, but a story's sentence may hold too (not "thực thể não": it folds to "thuc the nao"). */
const QUESTION_WORDS =
  /(\bco (duoc|phai|con|bi)\b.*\bkhong\b|\bbao nhieu\b|\b(?<!\bthuc )(the|nhu the) nao\b|\bra sao\b|\bo dau\b|\bla gi\b|\bgom (nhung )?gi\b|\bnhung gi\b|\bche do gi\b|\bthu tuc gi\b|\bbn\b|\b(ko|k|khong)\s*$|\bthi sao\b|\b(tai|vi) sao\b)/;
/** Folded phrases that open or mark the question of a story. */
const QUESTION_CUE = new RegExp(`${ASKING_CUE.source}|${QUESTION_WORDS.source}`);

/** A benefit named by pointing back to the sentence before ("trợ cấp này", "chế độ hỗ trợ nêu trên", "áp dụng như vậy"; folded; "chế độ" is no "đó"). */
const POINTS_BACK = /\b(tro cap|che do|khoan( tien)?|muc|so( uu dai)?|thu tuc|ho so|giay( to)?|quyen loi)( [a-z]+){0,2} (nay|(?<!\bche )do|(neu |noi )?tren)\b|\b(ap dung|lam|tinh|giai quyet|tra loi) nhu vay\b|\bnhu vay (la |co )?(dung|sai)\b/;

/**
 * Where the question part of a story starts: at the first sentence that puts a question ("Ông Phúc hỏi, …",
 * "…?"), with the question sentences right before it ("Mẹ tôi có được hưởng không. Nếu có thì…?"); a
 * story's sentence that only holds a question's words stays in the story. Without such a sentence, at the
 * first that holds a question's words. −1 when none does.
 */
function questionStart(sentences: readonly string[]): number {
  const plain = sentences.map(plainOf);
  let start = plain.findIndex((s) => ASKING_CUE.test(s));
  if (start < 0) return plain.findIndex((s) => QUESTION_WORDS.test(s));
  // "… tôi có làm hồ sơ xin mai táng phí nhưng không được? Cho tôi hỏi …": a mark of indignation in the story.
  const asked = plain.findIndex((s, i) => i > start && ASKING_PHRASE.test(s));
  if (asked > start && plain.slice(start, asked).every((s) => !ASKING_PHRASE.test(s) && !QUESTION_WORDS.test(s) && !QUESTION_PARTICLE.test(s))) start = asked;
  // "… không ghi thương tật là bao nhiêu. Tôi muốn hỏi …": a sentence closed by a full stop before the asking
  // phrase tells the story; one that asks ends without it ("Mức trợ cấp bao nhiêu? Tôi muốn hỏi thêm …").
  const asksBefore = (i: number) => QUESTION_WORDS.test(plain[i]!) && !(ASKING_PHRASE.test(plain[start]!) && /\.\s*$/u.test(sentences[i]!));
  while (start > 0 && asksBefore(start - 1)) start--;
  // "Mức trợ cấp này là bao nhiêu?": the sentence it points back to names the benefit.
  if (start > 0 && POINTS_BACK.test(plain[start]!)) start--;
  return start;
}

/**
 * "… là bao nhiêu? Vì trước giờ em chưa lãnh nên rất mong được giải đáp.": a sentence after the last question
 * that asks nothing is a closing remark, not part of the question.
 */
function withoutClosingRemarks(sentences: readonly string[]): readonly string[] {
  let end = sentences.length;
  const closing = (sentence: string) =>
    (!sentence.includes('?') && sentences.slice(0, end - 1).some((s) => s.includes('?')) && !QUESTION_CUE.test(plainOf(sentence))) || COURTESY.test(plainOf(sentence));
  while (end > 1 && closing(sentences[end - 1]!)) end--;
  return sentences.slice(0, end);
}

/** "Mong anh, chị giải đáp giúp cho tôi.", "Tôi xin chân thành cảm ơn!" (folded): thanks and requests to answer. */
const COURTESY =
  /^(?:(?:toi |chau |em |con )?(?:xin )?(?:chan thanh )?cam on\b[^?]{0,60}|(?:rat |kinh )?mong (?:anh|chi|ong|ba|ban|quy|luat su|tong dai|chuyen muc|ban bien tap|duoc|som)\b[^?]{0,60}\b(?:giai dap|tra loi|tu van|huong dan|phan hoi|giup)\b[^?]{0,30}|xin tran trong cam on\b[^?]{0,30})[.!\s]*$/;

/** "Câu 2.", "câu 3:": the questions of the message are numbered. */
const NUMBERED_QUESTION = /(?<![\p{L}])câu \d+[.:)]/iu;

/** "Câu hỏi: Cha tôi là liệt sĩ…": a Q&A page's label before the whole message, no question put yet. */
const FORM_LABEL = /^(?:câu hỏi|hỏi|nội dung(?: câu hỏi)?)\s*:\s*/iu;

/** A story is worth splitting from its question only when it is long. */
const STORY_MIN_WORDS = 28;

/**
 * Reads a message the way an official reads a citizen's letter: the question part, the case's domain
 * words from the story, what is asked, and the years and amounts named. Personal names, places, dates and
 * ages are left out of the retrieval query: they say nothing about which rule applies.
 */
export function readQuestion(raw: string): ReadQuestion {
  const text = raw.trim();
  const sentences = text.replace(FORM_LABEL, '').split(SENTENCE_BREAK).map((s) => s.trim()).filter(Boolean);
  const words = text.split(/\s+/).length;
  let question = text;
  let story = '';
  if (words >= STORY_MIN_WORDS && sentences.length > 1) {
    const first = questionStart(sentences);
    if (first > 0) {
      const start = INTENT_CUE.test(plainOf(sentences[first - 1]!)) ? first - 1 : first;
      question = withoutClosingRemarks(sentences.slice(start)).join(' ');
      story = sentences.slice(0, start).join(' ');
    } else if (first === 0) {
      // "… có được miễn giảm học phí gì không ạ? Xin luật sư trả lời cho cháu được rõ ạ. Cháu cảm ơn!": no story,
      // and the thanks are no part of the question.
      question = withoutClosingRemarks(sentences).join(' ');
    }
  }
  const cleanedQuestion = withoutFillers(withoutCaseDetails(question));
  const plainQuestion = plainOf(question);
  // Years are case details, but "hoạt động cách mạng từ năm 1944" is what makes the group (read before they go).
  const before1945 = story && BEFORE_1945.test(plainOf(story)) && !BEFORE_1945.test(plainQuestion) ? BEFORE_1945_WORDS : '';
  const caseWords = story ? [before1945, domainWordsOf(withoutCaseDetails(story), cleanedQuestion, before1945 !== '')].filter(Boolean).join(' ') : '';
  const queryOf = (part: string, context: string, afterDeath: boolean) =>
    [withoutFillers(withoutCaseDetails(part)).replace(ASKERS_ELDER, ' '), context, afterDeath ? DEATH_BENEFITS : ''].filter(Boolean).join(' ').replace(/\s+/g, ' ').trim();
  const questions = questionsOf(question);
  // "…hằng tháng bao nhiêu? Và sau này nếu mẹ mất thì…": the death belongs to the later question only.
  const afterDeath = asksAfterDeath(questions[0] ?? question) || (diedWithMerit(story) && asksWhatWeGet(questions[0] ?? question));
  // A short message of two questions ("tb 100% bn/tháng? còn bmvnah thì bn"), or a list of them ("Câu 1. … Câu 2. …
  // Câu 3. …"): each is searched on its own; in a story, the whole question part keeps the case together.
  const separately = questions.length > 1 && (!story || questions.length > MAX_PARTS);
  const first = separately ? questions[0]! : question;
  // "chế độ ưu đãi đối với bệnh binh như thế nào": what the group gets, in the words its documents use.
  const firstKind = askedKind(first);
  // "… bà cố được tặng danh hiệu Bà mẹ Việt Nam anh hùng. Chính sách dành cho gia đình bà thế nào?": the same, of the
  // group the story names.
  const plainText = plainOf(text);
  const ofStoryGroup = BENEFITS_OF_A_PERSON.test(plainOf(first)) && CASE_CONCEPTS.some(([pattern, words]) => MERIT_GROUPS.has(words) && pattern.test(plainText));
  const benefitsOf = firstKind === undefined && (BENEFITS_OF_A_GROUP.test(plainOf(first)) || ofStoryGroup) ? WHAT_A_GROUP_GETS : '';
  // "bmvnah mất được mai táng bao nhiêu": the burial allowance is the same for every group, and a group's long
  // name ("Bà mẹ Việt Nam anh hùng") would outweigh it in the search. Only for a plain question on its amount: a
  // story or the papers asked beside it have words enough of their own.
  const burialAmount = !story && !afterDeath && BURIAL_ASKED.test(plainOf(first)) && askedKinds(first).join() === 'amount';
  const burial = burialAmount ? BURIAL_BENEFIT : '';
  const query = queryOf(first, [caseWords, benefitsOf, burial].filter(Boolean).join(' '), afterDeath) || text;
  // A later question ("Trong thời gian chuyển, tiền có bị gián đoạn không?") is about the first one's subject.
  // Numbered questions ("Câu 1. … Câu 2. …") are each about a subject of their own.
  const numbered = NUMBERED_QUESTION.test(question);
  const partContext = (part: string) =>
    [caseWords, numbered ? '' : domainWordsOf(withoutCaseDetails(questions[0] ?? ''), withoutCaseDetails(part))].filter(Boolean).join(' ');
  // "Anh ruột tôi là liệt sĩ… anh em tôi có được hỗ trợ không": a relative the law does not count as kin
  // asks; the rule on who is kin decides the answer.
  const opensYesNo = questions.length > 1 && askedKind(questions[0]!) === 'eligibility';
  const parts: ReadQuestion['parts'] =
    questions.length < 2
      ? []
      : questions.slice(1, 1 + MAX_PARTS).map((part, i) => {
          const stated = askedKind(part);
          // "Chế độ trợ cấp cho người thờ cúng như thế nào?": how much it pays, when a line says it.
          const implied = stated === undefined && BENEFIT_HOW.test(plainOf(part));
          const asks = stated ?? (implied ? 'amount' : undefined);
          return {
            question: part,
            query: queryOf(part, partContext(part), asksAfterDeath(part)),
            asks,
            ...(implied && { impliedAmount: true }),
            ...(opensYesNo && followsOn(part, asks, i === 0) && { follows: true }),
          };
        });
  // "Mẹ tôi có được hưởng … không? Nếu được thì hồ sơ cần những gì?": the yes-or-no question decides the rest,
  // so it is what the answer must settle first.
  const conditional = questions.length > 1 && parts[0]?.follows === true;
  const plainCase = plainOf(withoutCaseDetails(text));
  const asksIfEntitled = ASKS_IF_ENTITLED.test(plainQuestion);
  // "Hiện chỉ còn mình tôi lo việc thờ cúng… tôi có được hưởng chế độ gì": the role the story names decides it.
  const role = story && asksIfEntitled ? storyRoleOf(story, cleanedQuestion) : undefined;
  // A rule that settles the question is looked for with what the question asks about ("đi thăm viếng").
  const roleQuery = (r: NonNullable<typeof role>) => (r.withQuestion ? `${r.query} ${withoutFillers(withoutCaseDetails(cleanedQuestion))}` : r.query);
  if (role) parts.push({ question: role.question, query: roleQuery(role), asks: role.asks, decisive: true }, ...(role.then ? [{ ...role.then, decisive: true }] : []));
  if (NOT_KIN_RELATIVE.test(plainCase) && !KIN_RELATIVE.test(plainCase) && asksIfEntitled && !KINSHIP_IRRELEVANT.test(plainQuestion)) parts.push(NOT_KIN_PART);
  const stated = askedKinds(question).slice(1);
  // "có được … không", or what the family gets after a death: the form to claim it is the next step.
  const asks = conditional ? 'eligibility' : firstKind;
  const nextSteps = withNextStep(stated, asks, asksIfEntitled || afterDeath, parts);
  // "Chế độ điều dưỡng … được quy định thế nào?": how much it pays is part of what the rule says.
  const alsoAsks = asks === undefined && parts.length === 0 && BENEFIT_HOW.test(plainQuestion) ? [...nextSteps, 'amount' as const] : nextSteps;
  // Only a first question that asks something of its own ("có được hưởng tuất không"), not "vì sao lại như vậy?".
  const firstAsks = questions.length > 1 ? askedKind(questions[0]!) : undefined;
  const firstPart = story && firstAsks && !separately && !POINTS_BACK.test(plainOf(questions[0]!))
    ? { question: questions[0]!, query: queryOf(questions[0]!, caseWords, asksAfterDeath(questions[0]!)), asks: firstAsks }
    : undefined;
  return {
    ...(firstPart && { firstPart }),
    ...(alsoAsks.length > stated.length && { impliedForm: true }),
    text,
    question,
    story,
    query,
    asks,
    alsoAsks,
    years: yearsIn(text),
    dates: datesIn(text),
    amounts: [...new Set([...(text.match(MONEY_PATTERN) ?? []).map(amountKey), ...bareAmounts(text)])],
    parts,
    afterDeath,
    ...deathDateOf(sentences),
  };
}

/**
 * "Mẹ tôi có được hưởng tiền tuất không?": an official answering yes also says where to file and on which form;
 * a yes-or-no question on a benefit, asked alone, asks that too.
 */
function withNextStep(also: AskedKind[], asks: AskedKind | undefined, claimsABenefit: boolean, parts: ReadQuestion['parts']): AskedKind[] {
  // "Cần làm thủ tục gì?": the steps start with where to file.
  if (asks === 'steps' && !also.some((k) => k === 'where' || k === 'form')) return [...also, 'where'];
  // "… bố tôi mất … có chính sách gì cho thân nhân không": what the family gets, then the form to claim it; not
  // when a rule on the asker's role may settle it "no", nor when another question asks the steps itself.
  if ((asks !== 'eligibility' && asks !== undefined) || !claimsABenefit || parts.some((p) => p === NOT_KIN_PART || p.decisive === true || PROCEDURAL.has(p.asks))) return also;
  if (also.some((k) => PROCEDURAL.has(k) || k === 'deadline')) return also;
  return [...also, 'form'];
}

/**
 * "Chế độ trợ cấp cho người thờ cúng như thế nào?", "phụ cấp … ra sao", "Chế độ điều dưỡng đối với người có công được
 * Nhà nước quy định thế nào?": a benefit whose amount is part of the answer (a named benefit, however far its cue).
 */
const BENEFIT_HOW =
  /\b(?:(che do|tro cap|phu cap|ho tro)\b(?: [^\s?.;]+){0,8}|(che do|tro cap|ho tro) (tien )?(dieu duong|tho cung|tuat|mai tang|nguoi phuc vu|uu dai giao duc|tham vieng|di chuyen hai cot)\b[^?]*) (the nao|ra sao|nhu the nao)\b/;

/** "Nếu được thì…", "Nếu có thì…": a question that holds only when the one before is answered yes. */
const IF_YES = /^(vay )?(neu|truong hop) (duoc|co|du dieu kien|dung)( thi|,)/;

/** What to file once the yes-or-no question is settled ("Hồ sơ được quy định như thế nào?"). */
const PROCEDURAL: ReadonlySet<AskedKind | undefined> = new Set(['documents', 'steps', 'where', 'form']);

/**
 * After a yes-or-no question: "Nếu được thì…", or right after it "Hồ sơ thế nào?" — a later question that holds
 * only once the first is answered yes.
 */
function followsOn(part: string, asks: AskedKind | undefined, next: boolean): boolean {
  return IF_YES.test(plainOf(part)) || (next && PROCEDURAL.has(asks));
}

/** The latest date named in a sentence that tells a death. */
function deathDateOf(sentences: readonly string[]): { deathDate?: string } {
  const days = sentences.flatMap((sentence) => {
    const plain = plainOf(sentence);
    if (!DEATH.test(plain)) return [];
    // "chết trước 1/7/2021": the day before the date named.
    const before = (label: string) => plain.includes(`truoc ${plainOf(label)}`) || plain.includes(`truoc ngay ${label}`);
    return datesIn(sentence).map((d) => (before(d.label) ? dayBefore(d.iso, d.label) : d.iso));
  });
  return days.length > 0 ? { deathDate: days.sort().at(-1)! } : {};
}

/** "trước 1/7/2021" → 2021-06-30; "trước năm 2019" → 2018-12-31. */
function dayBefore(iso: string, label: string): string {
  if (/^năm /u.test(label)) return `${Number(iso.slice(0, 4)) - 1}-12-31`;
  return new Date(Date.parse(`${iso}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/**
 * The questions of a question part: each sentence that asks something ("…?", "Tôi muốn biết … bao nhiêu."),
 * with the sentences before it that only tell the case. Short fragments are not questions of their own.
 */
function questionsOf(question: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const sentence of question.split(SENTENCE_BREAK).map((s) => s.trim()).filter(Boolean)) {
    const joined = pending ? `${pending} ${sentence}` : sentence;
    const plain = plainOf(sentence);
    // "Bà Nga hỏi: Câu 1.": an opening that only says questions follow belongs to the first of them.
    const opensOnly = !plain.includes('?') && !QUESTION_WORDS.test(plain);
    if (QUESTION_CUE.test(plain) && !opensOnly) {
      out.push(joined);
      pending = '';
    } else pending = joined;
  }
  if (pending) {
    if (out.length > 0) out[out.length - 1] += ` ${pending}`;
    else out.push(pending);
  }
  const long = out.filter((q) => q.split(/\s+/).length >= 3);
  return long.length > 0 ? long : [question];
}

/**
 * The story's words that name who, what and when in the domain's own terms: syllable pairs from a list of
 * the domain's concepts. Kept short so that the question still leads the retrieval.
 */
function domainWordsOf(story: string, question: string, revolutionaryBefore1945 = false): string {
  const plainStory = plainOf(story).replace(MINISTRY_NAME, ' ');
  const plainQuestion = plainOf(question);
  // "Ông tôi … hoạt động kháng chiến … thủ tục hưởng mai táng phí": the benefit is the same for every group, so
  // the group the story names would only pull the search to that group's own procedure.
  const sameForAll = SAME_FOR_EVERY_GROUP.test(plainQuestion);
  const found: string[] = [];
  const namesSubject = CASE_CONCEPTS.some(([pattern, words]) => words !== SOLDIER_SENT_HOME && pattern.test(plainQuestion));
  // "… tìm thấy mộ của bác … làm hồ sơ công nhận liệt sĩ được không?": the question names its procedure; the
  // story's other procedures (the grave, the remains) are only its background.
  const namesProcedure = CASE_CONCEPTS.some(([pattern, words]) => NAMED_PROCEDURES.has(words) && pattern.test(plainQuestion));
  for (const [pattern, words] of CASE_CONCEPTS) {
    if (sameForAll && MERIT_GROUPS.has(words)) continue;
    if (namesProcedure && NAMED_PROCEDURES.has(words)) continue;
    if (words === SOLDIER_SENT_HOME && namesSubject) continue;
    // "ba mẹ tôi đã mất nên tôi thờ cúng ông nội … trợ cấp thờ cúng thế nào": the death is why the asker took the
    // benefit on, not a death whose benefits are asked.
    if (words === DIED_CONCEPT && NAMED_BENEFIT.test(plainQuestion)) continue;
    if (pattern.test(plainStory) && !pattern.test(plainQuestion) && !found.includes(words)) found.push(words);
  }
  // "… nuôi giấu cán bộ; được tặng Huân chương Kháng chiến … hưởng trợ cấp người có công giúp đỡ cách mạng": the
  // award names the war, not a resistance fighter; the group the story names is the one that helped.
  const helpedOnly = found.includes('giúp đỡ cách mạng') && !RESISTANCE_FIGHTER.test(plainStory.replace(/\b(huan|huy) chuong khang chien\b/g, ' '));
  // "mộ liệt sĩ đang nằm tại Nghĩa trang … đề nghị được thăm viếng": where the grave lies is the visit's
  // background, not remains to be moved.
  const visitOnly = (found.includes(VISIT) || VISITED.test(plainQuestion)) && !REMAINS_MOVED.test(plainStory);
  // "hoạt động cách mạng trước năm 1945" names the revolutionary of before 1945, not a resistance fighter.
  const dropped = new Set([...(helpedOnly || revolutionaryBefore1945 ? ['hoạt động kháng chiến'] : []), ...(visitOnly ? [REMAINS] : [])]);
  return found.filter((w) => !dropped.has(w)).slice(0, MAX_CASE_CONCEPTS).join(' ');
}

/** "chế độ ưu đãi đối với bệnh binh", "chính sách dành cho gia đình liệt sĩ" (folded): the benefits of a group. */
const BENEFITS_OF_A_GROUP =
  /\b(che do|chinh sach|quyen loi)( uu dai)? (doi voi|danh cho|cua|cho) (nguoi |gia dinh |than nhan (cua )?)?(benh binh|thuong binh|liet si|ba me viet nam anh hung|ba me|nguoi co cong|anh hung|nguoi hoat dong|nguoi nhiem)\b/;
const WHAT_A_GROUP_GETS = 'được hưởng những chế độ gì';
/** "Mẹ tôi", "ông nội tôi", "me toi": who the asker speaks of; "mẹ" alone would pull the search to "Bà mẹ Việt Nam anh hùng". */
const ASKERS_ELDER = /(?<![\p{L}])(mẹ|me|má|bố|bo|ba|cha|ông|ong|bà)( (nội|noi|ngoại|ngoai|ruột|ruot|đẻ|de))? (tôi|toi|em|cháu|chau|mình|minh)(?![\p{L}])/giu;
/** "chính sách dành cho gia đình bà", "chế độ của ông" (folded): the benefits of the person the story tells of. */
const BENEFITS_OF_A_PERSON = /\b(che do|chinh sach|quyen loi)( uu dai)? (doi voi|danh cho|cua|cho) (gia dinh )?(ba|ong|me|bo|cha|cu|chong|vo)( (toi|em|chau|co|noi|ngoai))?\b/;
/** "mai táng phí", "tiền mai táng" (folded). */
const BURIAL_ASKED = /\bmai tang\b/;
const BURIAL_BENEFIT = 'trợ cấp mai táng người có công từ trần';

/** "tham gia hoạt động cách mạng từ đầu năm 1944" (folded, years kept): a revolutionary of before 1945. */
const BEFORE_1945 = /\b(tham gia|hoat dong) (hoat dong )?cach mang ((tu |truoc |nam |vao )*(dau |cuoi |giua |thang \d{1,2} )?(nam )?(19[0-3]\d|194[0-4])|truoc (nam |ngay )?(0?1\/0?1\/)?1945)\b/;
const BEFORE_1945_WORDS = 'hoạt động cách mạng trước 01/01/1945 lão thành cách mạng';

/** "Bộ Lao động – Thương binh và Xã hội", "Sở LĐTBXH": an office's name, not a thương binh in the story (folded). */
const MINISTRY_NAME = /\b(bo|so|phong|nganh) lao dong\s*[-–,]?\s*thuong binh (va|&) xa hoi\b/g;

/** The domain's concepts a text names (a paper's body, a story), leaving out its names, places and dates. */
export function caseConceptsOf(text: string): string {
  return domainWordsOf(withoutCaseDetails(text), '');
}

const MAX_CASE_CONCEPTS = 6;
/** Questions of one message answered each with a line of their own, besides the first. */
const MAX_PARTS = 2;

/** A person with merit named as the asker's sibling, uncle or aunt, grandparent or in-law ("Anh ruột tôi là liệt sĩ"). */
const NOT_KIN_RELATIVE =
  /\b(anh|chi|em|bac|chu|co|di|cau|ong|ba)( (ruot|trai|gai|ca|noi|ngoai|ho))? (toi|em|chau|minh)\b[^.?!;]{0,50}\b(liet s[iy]|thuong binh|benh binh|tu si)\b/;
/** …unless the asker is also the child, parent or spouse of one ("Cha và hai anh tôi đều là liệt sĩ"). */
const KIN_RELATIVE = /\b(cha|bo|me|chong|vo)( de| ruot)?\b[^.?!;]{0,30}\b(toi|em)\b[^.?!;]{0,50}\b(liet s[iy]|thuong binh|benh binh)\b/;
/** "…có được hưởng/hỗ trợ … không", "được hưởng chế độ gì". */
// "Nghe nói … vẫn được hưởng. Có đúng không?" asks the same as "có được hưởng không".
const ASKS_IF_ENTITLED = /\b(co (duoc|con duoc)\b.*\bkhong|co (phai )?(la |thuoc |nam trong )?(doi tuong|dien)\b.*\bkhong|duoc (huong|nhan|ho tro) (gi|che do gi|nhung gi|khoan gi)|che do gi|quyen loi gi|co dung (khong|vay khong|nhu vay khong))\b/;
/** Roles anyone may hold, kin or not: the carer of a thương binh, a relative who gives a DNA sample. */
const KINSHIP_IRRELEVANT = /\b(nguoi (truc tiep )?(phuc vu|cham soc)|(cho|lay) mau|mau (adn|doi chung))\b/;
/** The question the rule on kin answers, searched beside the asker's own. */
const NOT_KIN_PART = {
  question: 'Anh, chị, em ruột, cháu, ông bà, con dâu, con rể có phải là thân nhân của người có công không?',
  query: 'anh chị em ruột cháu ông bà con dâu con rể không phải là thân nhân người có công theo Pháp lệnh',
  asks: 'eligibility' as AskedKind,
};

/** What the family of a người có công receives when he or she dies, in the knowledge base's words. */
const DEATH_BENEFITS = 'trợ cấp mai táng trợ cấp một lần khi người có công từ trần';
/** "mất" as a death, not "mất sức lao động", "mất bằng", "mất tích"… (folded). */
const DIED_WORD = String.raw`\b(chet|qua doi|tu tran|mat(?! (suc|kha nang|tich|tin|bang|giay|so|ho so|viec|tri nho|ngu|tran|trai|phai)))\b`;
const DEATH = new RegExp(`${DIED_WORD}|\\btu tuat\\b`);
/** "được nhận những khoản gì", "hưởng chế độ gì", "chế độ tử tuất": what the family gets, no benefit named. */
const WHAT_WE_GET = /\b((duoc|se duoc|co duoc) (nhan|huong) (nhung |cac )?(khoan|che do|tien|quyen loi)( tien)? (gi|nao)|(cac|nhung) (che do|khoan|quyen loi)( [a-z]+){0,4} (se )?duoc (huong|nhan)|(gia dinh|gd|than nhan|nguoi nha|vo con)( toi)? (se |con )?(duoc|dc) (nhan |huong )?(nhung )?gi|duoc (nhan|huong) (nhung )?gi|khoan( tien)? (gi|nao)|che do (gi|nao|tu tuat)|tu tuat|huong gi|(co )?chinh sach (gi|nao))\b/;
/** A benefit named in the question: then the question is about that one. */
const NAMED_BENEFIT = /\b(tho cung|tham vieng|hai cot|mo liet|dieu duong|bao hiem y te|bhyt|hoc phi|giao duc|nha o|dung cu)\b/;

/**
 * True when a question asks what the family gets after a death it names ("sau khi bố mất gia đình được
 * nhận những khoản gì", "chế độ tử tuất…") without naming one benefit. A death told only in the story is
 * not enough: "chồng cụ mất đã lâu… cụ có được hưởng thêm khoản nào" asks about the living.
 */
function asksAfterDeath(question: string): boolean {
  return asksWhatWeGet(question) && DEATH.test(plainOf(question));
}

/** "gia đình có tiếp tục được lĩnh tiền trợ cấp không": whether the pay goes on, after the death the story tells. */
const PAY_GOES_ON = /\b(tiep tuc|con) duoc (linh|nhan|huong)( tiep)?( tien)? (tro cap|che do)( nua)? khong\b/;

function asksWhatWeGet(question: string): boolean {
  const asked = plainOf(question);
  return (WHAT_WE_GET.test(asked) || PAY_GOES_ON.test(asked)) && !NAMED_BENEFIT.test(asked);
}

const KIN = '(bo|cha|me|chong|vo|ong|ba|anh|chu|bac|cau|cu)';
const HAS_MERIT = new RegExp(`\\b${KIN}\\b[^.;?!]{0,60}\\bla (thuong binh|benh binh|nguoi (hoat dong|nhiem|bi dich)|ba me viet nam anh hung|anh hung)`);
// The death of the kin word last named before it in the sentence ("chồng tôi … mới hưởng được 02 tháng thì chết"; "bố ông … chết").
const DIED = new RegExp(`\\b${KIN}\\b(?:(?!\\b${KIN} (toi|em|chau|minh)\\b)(?:[^.;?!]|(?<=\\d)\\.(?=\\d))){0,200}?\\b(chet|qua doi|tu tran|hy sinh|da mat|mat (nam|thang|ngay|vi|do|khi|luc|cach))\\b`, 'g');

/**
 * The story tells that the person with merit died ("Bố … là thương binh hạng 3/4… Bố đã nghỉ hưu và chết
 * năm 2012"): the same kin word names a person with merit and a death. A death of someone else ("chồng
 * cụ mất đã lâu") does not make the question one about what the family gets at a death.
 */
function diedWithMerit(story: string): boolean {
  const plain = plainOf(story);
  const merit = HAS_MERIT.exec(plain)?.[1];
  if (!merit) return false;
  // "Bố tôi là thương binh … ông đã qua đời": the story goes on calling him "ông" (not "ông nội tôi").
  return [...plain.matchAll(DIED)].some((m) => m[1] === merit || (THIRD_PERSON.has(m[1]!) && !/^\w+ (noi|ngoai|toi|em|chau|minh)\b/.test(m[0])));
}

/** Kin words a story uses as "he" or "she" for the person it tells of. */
const THIRD_PERSON: ReadonlySet<string> = new Set(['ong', 'ba']);

/** Roles a person of the story may hold, and the question the rule on each answers. */
const STORY_ROLES: readonly {
  pattern: RegExp;
  question: string;
  query: string;
  asks: AskedKind;
  /** The rule is searched with the question's own words too ("tử sĩ … đi thăm viếng"). */
  withQuestion?: boolean;
  then?: { question: string; query: string; asks: AskedKind };
}[] = [
  {
    pattern: /\btho cung\b/,
    question: 'Người thờ cúng liệt sĩ được trợ cấp bao nhiêu?',
    query: 'trợ cấp thờ cúng liệt sĩ mức',
    asks: 'amount',
    then: { question: 'Đề nghị trợ cấp thờ cúng liệt sĩ làm đơn mẫu nào?', query: 'đơn đề nghị trợ cấp thờ cúng liệt sĩ mẫu số', asks: 'form' },
  },
  {
    pattern: /\b(nhan nuoi|nuoi (chau|duong)|nuoi tu (nho|be|khi))\b/,
    question: 'Người có công nuôi liệt sĩ là ai, điều kiện thế nào?',
    query: 'người có công nuôi liệt sĩ là người đã nuôi dưỡng điều kiện',
    asks: 'eligibility',
  },
  {
    pattern: /\b(tai gia|lay chong khac|lay vo khac)\b/,
    question: 'Vợ hoặc chồng liệt sĩ đã kết hôn với người khác có được hưởng trợ cấp tuất không?',
    query: 'vợ chồng liệt sĩ kết hôn với người khác trợ cấp tuất',
    asks: 'eligibility',
  },
  {
    // "giấy báo tử ghi là tử sĩ": not a martyr, so not the martyr's benefits.
    pattern: /\b(tu si|bao tu theo che do tu si)\b/,
    question: 'Tử sĩ có phải là liệt sĩ, gia đình tử sĩ có được hưởng chế độ như thân nhân liệt sĩ không?',
    query: 'tử sĩ không phải liệt sĩ thân nhân không được hưởng',
    asks: 'eligibility',
    withQuestion: true,
  },
  { pattern: /\bthanh nien xung phong\b/, question: 'Thanh niên xung phong được hưởng chế độ gì?', query: 'thanh niên xung phong chế độ', asks: 'eligibility' },
  { pattern: /\b(bi dich bat|tu day)\b/, question: 'Người bị địch bắt tù, đày được trợ cấp bao nhiêu?', query: 'người bị địch bắt tù đày trợ cấp mức', asks: 'amount' },
];
/**
 * The role a person of the story holds ("mình tôi lo việc thờ cúng", "vợ chồng tôi nhận nuôi cháu", "mẹ tôi đã
 * tái giá") when the question does not name it: the rule on that role answers "có được hưởng gì".
 */
function storyRoleOf(story: string, question: string): (typeof STORY_ROLES)[number] | undefined {
  const plainStory = plainOf(story);
  const plainQuestion = plainOf(question);
  // "… bà tái giá … bà có được công nhận Bà mẹ Việt Nam anh hùng không": the question names the group it asks about.
  // "… người thờ cúng bác … đề nghị giám định ADN … người thân cho mẫu có được hỗ trợ gì không": so does one that
  // names its procedure.
  if (CASE_CONCEPTS.some(([pattern, words]) => (MERIT_GROUPS.has(words) || PROCEDURES.has(words)) && pattern.test(plainQuestion))) return undefined;
  // "… người con của vợ hai đang hưởng thờ cúng. Mẹ ông có công nuôi dưỡng liệt sĩ … có được hưởng không": the
  // question names the role it asks about; another role of the story is only its background.
  if (STORY_ROLES.some((r) => r.pattern.test(plainQuestion))) return undefined;
  return STORY_ROLES.find((r) => r.pattern.test(plainStory));
}

/** The story says the person fought (not only that a family holds a resistance award). */
const RESISTANCE_FIGHTER = /\b(khang chien|tham gia cach mang|hoat dong cach mang)\b/;
/** Benefits paid the same way whatever the group of the person with merit (folded). */
const SAME_FOR_EVERY_GROUP = /\b(mai tang|tho cung|tham vieng|hai cot|boc mo|dieu duong|di chuyen ho so|dung cu chinh hinh)\b/;
const VISIT = 'thăm viếng mộ liệt sĩ';
const VISITED = /\b(tham vieng|(tham|vieng) mo)\b/;
const REMAINS = 'hài cốt mộ liệt sĩ';
/** "bốc mộ", "di chuyển hài cốt" (folded): remains to be moved, beside a visit. */
const REMAINS_MOVED = /\b(hai cot|boc mo|cat boc|di chuyen mo|chuyen mo|qui tap|quy tap)\b/;
/** The CASE_CONCEPTS words that name a procedure of its own. */
const PROCEDURES = new Set(['công nhận liệt sĩ', REMAINS, 'di chuyển hồ sơ', 'Bằng Tổ quốc ghi công', 'hỗ trợ cải thiện nhà ở', 'giám định', 'ưu đãi giáo dục']);
/**
 * The procedures a question may name, the worship and the visit of a martyr's grave with them: a story's other
 * procedures are only its background. (A story's role still decides a visit: "tử sĩ", a relative who is no kin.)
 */
const NAMED_PROCEDURES = new Set([...PROCEDURES, 'thờ cúng', VISIT]);
/** The CASE_CONCEPTS words that name a group of people with merit (not a martyr: his family's rules are his own). */
const MERIT_GROUPS = new Set(['thương binh', 'bệnh binh', 'chất độc hóa học', 'Bà mẹ Việt Nam anh hùng', 'anh hùng', 'bị địch bắt tù đày', 'hoạt động kháng chiến', 'giúp đỡ cách mạng', 'thanh niên xung phong', 'huân chương']);

/**
 * "nhập ngũ tháng 4/1966 … tháng 12/1975 xuất ngũ về địa phương … có được hưởng chế độ gì": a soldier sent home
 * (Quyết định 142/2008, 62/2011), named only when the question names no subject of its own.
 */
const SENT_HOME = /\b(nhap ngu|quan doi|bo doi)\b.*\b(xuat ngu|phuc vien)\b|\b(xuat ngu|phuc vien)\b.*\b(nhap ngu|quan doi)\b/;
const SOLDIER_SENT_HOME = 'quân nhân phục viên xuất ngũ về địa phương';

const DIED_CONCEPT = 'từ trần';

/** Concepts of the domain a story may state (folded pattern → the words retrieval should see). */
const CASE_CONCEPTS: readonly (readonly [RegExp, string])[] = [
  [/\bliet s[iy]\b/, 'liệt sĩ'],
  [/\btu si\b/, 'tử sĩ'],
  // A sentence served, a crime, an amnesty: what suspends a benefit and how it resumes (Điều 54 Pháp lệnh).
  // Not "đi tù", "ra tù": folded, they are "đi từ", "ra từ".
  [/\b(phat tu|cai tao giam giu|dac xa|thi hanh an|chap hanh (xong )?(an|hinh phat)|ma tuy|pham toi|bi cat (tro cap|che do))\b/, 'tạm đình chỉ hưởng lại chế độ ưu đãi'],
  [/\bthuong binh\b|\bhang \d\/4\b|\bloai [ab]\b/, 'thương binh'],
  [/\bbenh binh\b/, 'bệnh binh'],
  // "chết tại nhà, bệnh án ghi bệnh do di chứng chiến tranh": a wound's sequelae, which can make the death a martyr's.
  [/\b(di chung (chien tranh|vet thuong|thuong tat)|vet thuong (cu )?tai phat|tai phat vet thuong)\b/, 'vết thương tái phát'],
  [/\b(chat doc (hoa hoc|da cam)|dioxin)\b/, 'chất độc hóa học'],
  [/\bba me viet nam anh hung\b|\bme viet nam anh hung\b/, 'Bà mẹ Việt Nam anh hùng'],
  [/(?<!viet nam )\banh hung (luc luong|lao dong)\b/, 'anh hùng'],
  [/\b(tu day|bi dich bat|bi bat tu)\b/, 'bị địch bắt tù đày'],
  [/\blao thanh cach mang\b/, BEFORE_1945_WORDS],
  [/\btien khoi nghia\b/, 'tiền khởi nghĩa'],
  [/\b(khang chien|tham gia cach mang|hoat dong cach mang)\b/, 'hoạt động kháng chiến'],
  [/\bgiup do cach mang\b/, 'giúp đỡ cách mạng'],
  [/\bthanh nien xung phong\b/, 'thanh niên xung phong'],
  [/\bchuyen gia\b.*\b(lao|campuchia|cpc)\b|\b(quyet dinh|qd) ?57(\/2013)?\b/, 'chuyên gia giúp Lào Campuchia'],
  [/\b(chua duoc|de nghi|xin|lam ho so) (cong nhan|xac nhan|cong nhan la|xac nhan la) liet s[iy]\b/, 'công nhận liệt sĩ'],
  // "được cấp giấy chứng nhận bị thương … chưa được giám định": the recognition of a thương binh, from its papers.
  [/\b(giay chung nhan bi thuong|bi thuong\b[^.?!;]{0,80}\b(chua|khong) (duoc )?(di )?(giam dinh|cong nhan|huong che do))\b/, 'công nhận thương binh giấy chứng nhận bị thương'],
  [/\b(mat tich|mat tin|(khong|chua) (co|nhan duoc) (tin tuc|tin|giay bao tu)|bat vo am tin|khong ro tung tich)\b/, 'mất tích'],
  [new RegExp(DIED_WORD), DIED_CONCEPT],
  // "năm 1995 ông tôi qua đời mà chưa được hưởng chế độ": the family's one-time sum is the rule that applies.
  // Not the family's own benefit not yet received ("chồng tôi chết, lúc đó tôi chưa được hưởng tiền tuất").
  [new RegExp(`${DIED_WORD}(?:(?!\\b(toi|em|minh|vo|me|gia dinh|than nhan)\\b)[^.?!;]){0,40}\\bchua (duoc |kip )?(huong|nhan|lam)\\b(?! (tien |tro cap |che do )?tuat\\b)`), 'chết mà chưa được hưởng chế độ trợ cấp một lần'],
  [/\b(song (mot minh|co don)|khong (con )?(ai|nguoi) (cham soc|nuoi duong|than thich)|khong con ho hang|co don)\b/, 'cô đơn nuôi dưỡng'],
  [/\b(tien tuat|tro cap tuat)\b/, 'trợ cấp tuất'],
  [/\b(tai gia|lay chong khac|lay vo khac|ket hon voi nguoi khac)\b/, 'kết hôn với người khác'],
  // Moving house, not a prisoner moved to another jail or a soldier to another unit ("chuyển vào nhà lao Phú Quốc").
  [/\b(chuyen (ve|vao|ra|den)(?! (nha lao|nha tu|nha giam|trai giam|lao|nguc|don vi|chien truong|mat tran|bien che|ngach|cong tac|bo doi|quan doi|benh vien)\b)|chuyen (ho so|tro cap|che do)|chuyen tinh|thay doi noi (o|cu tru|thuong tru))\b/, 'di chuyển hồ sơ'],
  // Losing or damaging the Bằng is a case; holding it is only a fact of the story.
  [/\b(mat bang|bang\W{1,3}to quoc ghi cong[^.?!;]{0,60}\b(bi mat|mat|that lac|hu hong|hu hai|mo chu|mo|rach|chay|moi|uot)|(mat|that lac|cuon troi|chay)[^.?!;]{0,60}\bbang\W{1,3}to quoc ghi cong)\b/, 'Bằng Tổ quốc ghi công'],
  // "hưởng chế độ từ năm 1985 nhưng chưa được cấp Bằng": the Bằng for one who died and never got it.
  [/\b(chua|khong) (duoc )?(cap|nhan|co|trao)( duoc)? bang\W{1,3}to quoc ghi cong\b/, 'chưa được cấp Bằng Tổ quốc ghi công'],
  [/\b(huan chuong|huy chuong)\b/, 'huân chương'],
  // "được tặng bằng khen … kháng chiến": Quyết định 24/2016's one-time sum, not the ordinance's groups.
  [/\bbang khen\b/, 'Bằng khen kháng chiến'],
  // "thăm viếng mộ liệt sĩ": the visit, a procedure of its own, not the remains.
  [VISITED, VISIT],
  [/\b(hai cot|(?<!\b(tham|vieng) )mo liet si|nghia trang)\b/, REMAINS],
  // "mộ vô danh", "chưa xác định được danh tính": the remains must be identified (DNA) before anything else.
  [/\b(mo vo danh|vo danh|(chua|khong) (xac dinh|ro|biet)( duoc)? (danh tinh|ten tuoi|ho ten)|con thieu thong tin)\b/, 'xác định danh tính hài cốt liệt sĩ'],
  [/\btho cung\b/, 'thờ cúng'],
  [/\b(xay (moi |lai |moi lai )?nha|sua (chua )?nha|nha (o )?(bi )?(dot nat|hu hong|xuong cap|tam bo)|nha tinh nghia|cai thien nha)\b/, 'hỗ trợ cải thiện nhà ở'],
  // "bệnh binh, mất sức lao động 61%" tells the rating, not an assessment to be made.
  [/\b(giam dinh|ty le ton thuong|suy giam kha nang lao dong|mat suc)\b(?!( lao dong)?( la| tu| tren)? \d)/, 'giám định'],
  [/\b(luong huu|nghi huu)\b/, 'lương hưu'],
  [/\b(vo|chong)( cua)? (liet si|thuong binh|benh binh)\b/, 'vợ chồng'],
  [/\b(nhan nuoi|nuoi (chau|duong chau|no|anh|em)( [a-z]+)? tu (khi|nho|be|luc)|nuoi tu nho)\b/, 'người có công nuôi liệt sĩ'],
  [/\b(con de|con ruot|con nuoi)\b/, 'con'],
  [/\b(cha de|me de|bo de)\b/, 'cha đẻ mẹ đẻ'],
  // "liệt nửa người, không còn khả năng tự kiếm sống": a disability the story tells without naming it.
  [/\b(khuyet tat|tan tat|tan phe|liet (nua nguoi|toan than|hai chan)|khong (con )?kha nang (tu kiem song|tu phuc vu|lao dong)|mat kha nang (tu kiem song|tu phuc vu))\b/, 'khuyết tật'],
  // "sinh ra đã bị dị tật": what the rules on children of people exposed to chemical agents are about.
  [/\b(di tat|di dang)\b/, 'dị dạng dị tật'],
  [/\b(di hoc|hoc phi|sinh vien|hoc sinh)\b/, 'ưu đãi giáo dục'],
  [/\bbao hiem y te|\bbhyt\b/, 'bảo hiểm y tế'],
  [/\b(nghi viec|tinh gian|nghi huu truoc tuoi|sap xep bo may)\b/, 'nghỉ việc sắp xếp'],
  // A part-time commune worker has rules of its own ("không chuyên trách … nghỉ trước 31/5/2026").
  [/\b(khong chuyen trach)\b/, 'người hoạt động không chuyên trách'],
  [/\b(cap huyen|cap xa|chinh quyen (dia phuong )?2 cap|hai cap)\b/, 'chính quyền hai cấp'],
  // "nhập ngũ tháng 4/1966 … tháng 12/1975 xuất ngũ về địa phương": a soldier sent home (Quyết định 142/2008, 62/2011).
  [SENT_HOME, SOLDIER_SENT_HOME],
  [/\b(tang cuong|biet phai) (ve|xuong|cho|den) (lam viec (tai|o) )?(cac )?(xa|phuong|co so|cap xa)\b/, 'cán bộ tăng cường biệt phái về xã'],
];

/** Ways of asking that say nothing about the subject ("Đề nghị Tòa soạn cho biết", "Xin hỏi"). */
const FILLERS =
  /(?<![\p{L}])(xin (được )?hỏi|cho (tôi|em|cháu|mình) (được )?hỏi|tôi (muốn )?hỏi|xin (báo |quý báo |tòa soạn )?(cho )?biết|đề nghị (quý )?(tòa soạn|ban biên tập|luật sư|bộ|cơ quan chức năng)( cho biết| giải đáp| hướng dẫn)?|(tòa soạn|luật sư|ban biên tập) (cho|giải đáp)( biết)?|muốn (được )?biết|trân trọng cảm ơn|xin cảm ơn|nhà nước|câu \d+[.:)]?|(xin |rất |kính )?mong (quý )?(chuyên mục|tòa soạn|quý báo|báo|ban biên tập|luật sư|cơ quan chức năng)?( sớm)? ?(giải đáp|hướng dẫn|trả lời|tư vấn)( giúp)?|(xin |đề nghị )?chuyên mục( giải đáp| hỏi đáp| trả lời)?|qua cổng (ttđt|thông tin điện tử)( chính phủ)?|(ông|bà|anh|chị|cụ|cô|chú) hỏi|(xin )?chào (anh chị|anh\/chị|quý (anh chị|cơ quan|báo)|luật sư|ban biên tập|tòa soạn|chuyên mục|tổng đài( [\p{L}]+){0,5}|bộ phận( [\p{L}]+){0,5})|(anh chị|anh\/chị|luật sư) (cho (tôi|em|cháu|mình) (được )?hỏi|ơi)|theo quy định (mới nhất )?(của pháp luật )?(hiện nay|hiện hành|mới nhất)|theo quy định mới|(vui lòng |xin |đề nghị |làm ơn )?cung cấp (cho (tôi|em|cháu|mình) )?(các |những )?thông tin (về|liên quan đến|liên quan tới)?|(xin |rất )?mong (sớm )?nhận (được )?(sự )?(phản hồi|trả lời|giải đáp|hồi âm))(?![\p{L}])/giu;

/** The question without its polite and reported-speech fillers. */
function withoutFillers(text: string): string {
  return text.replace(FILLERS, ' ').replace(/\s+/g, ' ').trim();
}

const TITLES = ['ông', 'bà', 'anh', 'chị', 'em', 'cụ', 'bác', 'chú', 'cô', 'dì', 'cháu', 'tên là', 'họ tên', 'tỉnh', 'huyện', 'xã', 'phường', 'thôn', 'xóm', 'ấp', 'bản', 'quận', 'thị xã', 'thành phố', 'sinh viên', 'học sinh'];
/** A title ("ông", "Bà", "tỉnh") followed by a capitalised name. */
const NAME_TITLES = new RegExp(
  `(?<![\\p{L}])(${TITLES.map((t) => `[${t[0]!.toUpperCase()}${t[0]}]${t.slice(1)}`).join('|')})\\s+((?:\\p{Lu}[\\p{Ll}\\p{M}]*)(?:\\s+\\p{Lu}[\\p{Ll}\\p{M}]*)*)`,
  'gu',
);
const PROPER_RUN = /(?<![.?!]\s|^)(?:\p{Lu}[\p{Ll}\p{M}]+\s+){1,4}\p{Lu}[\p{Ll}\p{M}]+/gu;

/** Words that are capitalised in the domain's own names and must survive name removal. */
const DOMAIN_CAPITALISED = /(?<![\p{L}\p{N}])(Tổ quốc|Bằng|Tổ|Kỷ niệm chương|Việt Nam|Nhà nước|Chính phủ|Bộ|Sở|Ủy ban|Nội vụ|Lao động|Thương binh|Xã hội|Chủ tịch|Quốc hội|Bộ Chính trị|Ban Bí thư|Đảng|Huân chương|Huy chương|Mẹ|Phòng|Hội đồng|Bà mẹ|Anh hùng|Quân đội|Công an|Kết luận|Nghị định|Thông tư|Pháp lệnh|Luật|Quyết định|Mẫu|Điều)(?![\p{L}\p{N}])/u;

/**
 * The message without what only identifies the case: personal names and place names (after a title such
 * as "ông", "tỉnh", or in parentheses), dates, years, ages and house numbers. Percentages, form and article
 * numbers and document numbers stay: they decide which rule applies.
 */
export function withoutCaseDetails(text: string): string {
  return withoutNames(text.replace(/\(([^()]{1,40})\)/g, (whole, inner: string) => (/\d|Mẫu|Điều|NĐ|TT/u.test(inner) ? whole : ' ')))
    .replace(/(?<![\p{L}])(ngày|tháng|năm)\s+\d{1,2}([/.-]\d{1,2})?([/.-]\d{2,4})?(?!\d)/giu, ' ')
    .replace(/(?<![\p{L}])(năm|từ năm|đến năm)\s+(19|20)\d{2}(?!\d)/giu, ' ')
    .replace(/\b\d{1,2}[/.-]\d{1,2}[/.-](19|20)\d{2}\b/g, ' ')
    .replace(/\b(?<![/-])(19|20)\d{2}\b(?![/-])/g, ' ')
    .replace(/\b\d{1,3}\s*tuổi\b/giu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text without the names of people and places ("Bà Phạm Thị Tuyến", "TP. Hồ Chí Minh"): they name no topic. */
export function withoutNames(text: string): string {
  return text
    .replace(/(?<![\p{L}])(?:TP|Tp|TX|Tx|TT|Q|P)\.\s*(?:\p{Lu}[\p{Ll}\p{M}]*\s*)+/gu, ' ')
    .replace(NAME_TITLES, (whole, title: string, name: string) => (DOMAIN_CAPITALISED.test(name) ? whole : `${title} `))
    .replace(PROPER_RUN, (run) => (DOMAIN_CAPITALISED.test(run) ? run : ' '));
}

const ASKED_KINDS: readonly (readonly [AskedKind, RegExp])[] = [
  ['form', /\b(mau (so )?(nao|may|gi)|dung mau|theo mau|mau so \d+ la|mau \d+ la|to khai|ban khai (nao|gi)|(lam|viet) don (gi|nao)|don (gi|nao)|mau don)\b/],
  ['deadline', /\b(thoi han|bao lau|may ngay|bao nhieu ngay|han chot|trong vong bao|khi nao (thi )?(co|duoc|nhan))\b/],
  ['where', /\b(nop (o|tai) dau|nop dau|noi nop|nop (o |tai |ve |cho )?(xa|phuong|tinh|so|noi) nao|co quan nao|o dau|(?<!tro |phu )cap nao|gui (o |den |toi |cho )?(dau|ai)|o xa hay|len (tinh|huyen|so)|ai (ky|cap|giai quyet|quyet dinh|xac nhan|tiep nhan|lap)|dau (de )?(lam|nop)|lien he (ai|dau)|(den|toi) dau|chuyen (di |len |ve )?dau)\b/],
  ['code', /\bma (so )?(thu tuc|tthc)\b|\bma so (bao nhieu|la gi|may)\b/],
  // "hồ sơ được chuyển đi đâu" asks where the file goes, not what it holds.
  ['documents', /\b((ho so|hs)(?! (duoc |se duoc |se )?(chuyen|gui|nop|luu|giu) (di |len |ve |den |toi |o |tai )?(dau|ai)\b)|giay to|thanh phan|gom (nhung )?(gi|j)|can (them )?(nhung )?(gi|j|giay)|giay (gi|j)|chuan bi (nhung )?(gi|j))\b/],
  // "hỗ trợ tiền tàu xe …, tính thế nào": how an amount of money is worked out.
  ['amount', /\b(tien|ho tro|tro cap|phu cap|muc|phi)\b[^?.;]*\btinh (the nao|nhu the nao|ra sao)\b/],
  // "bao nhiêu" asks for money only when nothing else is counted (not "bao nhiêu tuổi / nhóm / phòng").
  ['amount', /\b((?<!ma (so )?(thu tuc )?|ngay )bao nhieu( tien| dong)?(?! (ngay|lan|nam|thang|nguoi|tuoi|nhom|thu tuc|tthc|nhiem vu|phong|dieu|chuong|muc|mau|km|ho so|doi tuong|truong hop|van ban|cap|xa|tinh|cong chuc|can bo|vien chuc|%))|muc (huong|tro cap|chi|ho tro|tien|qua)|bn\b(?! (ngay|thang|nam|lan|nguoi|xa))|may trieu|\d+(,\d+)? trieu|tien (duoc )?tinh|tinh tien|tien (gi|bao)|duoc (nhan|huong) (bao|may)|\d{1,3}(\.\d{3})+)\b/],
  // "hiệu lực từ khi nào", "hạn chót là ngày nào", "xã lập danh sách vào thời gian nào trong năm".
  ['when', /\b(khi nao|ngay nao|ngay may|ngay bao nhieu|bao gio|thoi gian nao|thoi diem nao|luc nao|thang nao|quy nao|han chot)\b/],
  // "hỏi về hồ sơ, thủ tục di chuyển…": the papers and the steps both.
  ['steps', /\b(trinh tu|cac buoc|quy trinh|lam (the nao|sao|nhu the nao)|thu tuc (the nao|ra sao|nhu the nao|gi)|(phai|can|nen) lam (gi|nhung gi|sao)|lam gi de|ho so,? (va )?thu tuc|thu tuc,? (va )?ho so)\b/],
  // Not "những chế độ … được hưởng là gì": what one gets.
  ['definition', /\b((?<!\b(huong|nhan) )la gi|nghia la|viet tat|ten day du)\b/],
  ['eligibility', /\bbao nhieu tuoi\b|\bmay tuoi\b/],
  ['document', /\b(bao nhieu|may) (nhom|thu tuc|nhiem vu|phong|dieu|chuong|loai)\b|\b(noi (gi|dung)|quy dinh (gi|nhung gi)|ket luan \d+|kl \d+|nghi dinh \d+|yeu cau (gi|nhung gi)|giao nhiem vu|ngay nao|ai ky|ban hanh)\b/],
  ['eligibility', /\b(co (duoc|con|phai|bi|ho tro|huong|nhan|cap|thuoc)\b.*\bkhong\b|co( [a-z]+){1,2} duoc\b.*\bkhong\b|dieu kien|doi tuong|duoc huong (gi|che do gi|nhung gi)|che do gi|huong gi|con duoc|ko\b|k\b)/],
];

/** What the question asks for, from its wording (the first kind whose cue matches). */
export function askedKind(question: string): AskedKind | undefined {
  return askedKinds(question)[0];
}

/** Everything the question asks for, the first kind first. */
export function askedKinds(question: string): AskedKind[] {
  const plain = plainOf(question);
  const found = ASKED_KINDS.map(([kind, cue]) => ({ kind, at: plain.search(cue) })).filter(({ at }) => at >= 0);
  // The first kind by precedence leads; the others in the order the asker wrote them.
  const [first, ...others] = found;
  return [...new Set([...(first ? [first.kind] : []), ...others.sort((a, b) => a.at - b.at).map(({ kind }) => kind)])];
}

/**
 * "12/10/2026" → 2026-10-12; "8/2026", "tháng 8/2026" → 2026-08-15; "năm 2019" or "2019" → 2019-12-31 (the
 * figure in force at the end of that year). Each day once, in the order written.
 */
export function datesIn(text: string): { iso: string; label: string }[] {
  const found = new Map<string, string>();
  const taken: [number, number][] = [];
  const add = (iso: string, label: string, at: number, length: number) => {
    if (taken.some(([s, e]) => at < e && at + length > s)) return;
    taken.push([at, at + length]);
    if (!found.has(iso)) found.set(iso, label);
  };
  const pad = (n: number) => String(n).padStart(2, '0');
  for (const m of text.matchAll(/(?<![\d/])(\d{1,2})\/(\d{1,2})\/((?:19|20)\d{2})(?![\d/])/g)) {
    const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (d >= 1 && d <= 31 && mo >= 1 && mo <= 12) add(`${y}-${pad(mo)}-${pad(d)}`, `${d}/${mo}/${y}`, m.index!, m[0].length);
  }
  for (const m of text.matchAll(/(?<![\d/])(\d{1,2})\/((?:19|20)\d{2})(?![\d/])/g)) {
    const [mo, y] = [Number(m[1]), Number(m[2])];
    if (mo >= 1 && mo <= 12) add(`${y}-${pad(mo)}-15`, `${mo}/${y}`, m.index!, m[0].length);
  }
  for (const m of text.matchAll(/(?<![\d/.-])((?:19[4-9]|20[0-4])\d)(?![\d/-]|[.,]\d)/g)) add(`${m[1]}-12-31`, `năm ${m[1]}`, m.index!, m[0].length);
  return [...found].map(([iso, label]) => ({ iso, label }));
}

function yearsIn(text: string): number[] {
  return [...new Set([...text.matchAll(/\b(19[4-9]\d|20[0-4]\d)\b/g)].map((m) => Number(m[1])))];
}

/** Amounts typed without "đồng" but with thousands dots and at least a million ("mức 2.055.000 có đúng"). */
function bareAmounts(text: string): string[] {
  return [...text.matchAll(/(?<![\d.,])\d{1,3}(?:\.\d{3}){2,}(?![\d.,])/g)].map((m) => amountKey(m[0]));
}
