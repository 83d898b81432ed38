import { alreadyEscalatedText, escalatedText } from '../escalation/messages.js';
import type { CuratedAnswerStore, UserStore } from '../escalation/stores.js';
import type { EscalationReason, RetrievedContextItem, TicketAttachmentInput } from '../escalation/types.js';
import type { Logger } from '../logger.js';
import type { ScoredPassage } from '../retrieval/hybrid-search.js';
import type { StoredPassage } from '../storage/knowledge-store.js';
import { parseFormRequest } from '../forms/form-number.js';
import type { FormRequests } from '../forms/form-requests.js';
import { fold, nfc } from '../text/normalize.js';
import { changedSources, documentsFromPassages, sourcesOf } from '../knowledge/provenance.js';
import type { PassageSource } from '../storage/provenance.js';
import { assessRetrieval, DEFAULT_GATE, type GateSettings } from './confidence.js';
import { CuratedMatcher } from './curated.js';
import {
  composeExtractiveAnswer,
  cutAtWord,
  formatSources,
  PASSAGES_START,
  replacementOf,
  sectionOf,
  toCitation,
  unverifiedWarning,
  vietnameseDate,
} from './extractive.js';
import { detectSectionIntent, headingMatches, isFollowUp } from './intent.js';
import { withAskedWordsFirst } from './asked-with.js';
import { ratedRowFirst } from './rated-row.js';
import { namedGroupFirst } from './named-group.js';
import type { LlmAnswerer } from './llm.js';
import { TurnTaker, type TurnScheduler } from './turns.js';
import type { AnswerSearcher, Escalator, KnowledgeSource } from './ports.js';
import { ChatMemory } from './memory.js';
import { QuestionRateLimiter } from './rate-limit.js';
import type { FeedbackValue, LoggedQuestion, QuestionLogStore } from './question-log.js';
import { classifySmallTalk, stripExpertRequest } from './smalltalk.js';
import { AmountRegistry } from './amounts.js';
import { PassageFeatures } from './passage-features.js';
import { ProcedureOpenings } from './procedure-openings.js';
import { judgeDomain, type DomainVerdict } from './domain.js';
import { readQuestion, type ReadQuestion } from './reading.js';
import type { AnswerCitation, AnswerStage, Asker, AssistantReply, IncomingMessage } from './types.js';

export interface AssistantSettings {
  /** What is stored of a question: longer ones keep their opening and their question part within this. */
  maxQuestionChars: number;
  /** How much of a message is read for its question (a story may put the question at the very end). */
  maxReadChars: number;
  /** How long a chat's previous question is remembered for follow-ups. */
  memoryTtlMs: number;
  /** Cosine similarity from which an approved expert answer is reused verbatim. */
  curatedMinSimilarity: number;
  gate: GateSettings;
  /** Passages retrieved per question (the LLM sees the first five). */
  retrievalDepth: number;
  /** Questions one asker may send per minute (0 = no limit). */
  questionsPerMinute: number;
}

export const DEFAULT_ASSISTANT_SETTINGS: AssistantSettings = {
  maxQuestionChars: 1000,
  maxReadChars: 4000,
  memoryTtlMs: 15 * 60_000,
  curatedMinSimilarity: 0.85,
  gate: DEFAULT_GATE,
  retrievalDepth: 8,
  questionsPerMinute: 20,
};

export interface AssistantDeps {
  kb: KnowledgeSource;
  escalation: Escalator;
  curated: CuratedAnswerStore;
  users: UserStore;
  log: QuestionLogStore;
  llm?: LlmAnswerer;
  settings?: Partial<AssistantSettings>;
  now?: () => Date;
  logger?: Logger;
  /** Shared with the channels' intake (see TurnTaker); a fresh one when the assistant runs alone. */
  turns?: TurnScheduler;
  /** Answers "/mau 12" and finds the forms a reply can offer as files; without it neither happens. */
  forms?: Pick<FormRequests, 'answer' | 'offers'>;
}

/** One message on its way through the stages. */
interface Turn {
  asker: Asker;
  read: ReadQuestion;
  /** What is stored of the message. */
  text: string;
  warnings: string[];
  chatKey: string;
  smallTalk: ReturnType<typeof classifySmallTalk>;
  previous: ReturnType<ChatMemory['get']>;
  started: number;
  sourceKey: string | undefined;
  resumed: boolean;
  /** The file of a paper that came with the question (see IncomingMessage.paper). */
  attachment: TicketAttachmentInput | undefined;
}

/**
 * Said under a reply (the first caution, so a messenger's short form keeps it) when the approved expert
 * answer to the question was held back because a text it rests on changed since its approval: the asker
 * gets the answer of today's texts — or the question goes to an expert — and knows why it may differ.
 */
export const CURATED_UNDER_REVIEW_NOTE =
  '⚠️ Câu trả lời của chuyên gia cho câu hỏi này đang chờ xem lại vì văn bản làm căn cứ đã thay đổi; dưới đây là nội dung theo văn bản hiện có.'

/** The question as answered: with the case of a follow-up, and its field. */
interface Understood {
  followUp: boolean;
  query: string;
  asked: ReadQuestion;
  domain: DomainVerdict;
}

interface Retrieved {
  hits: ScoredPassage[];
  expandedQuery: string;
  intent: ReturnType<typeof detectSectionIntent>;
}

/** "/chitiet", "chi tiết", "xem chi tiết": the whole of the last answer. */
const DETAILS_REQUEST = /^\/?(xem )?chi ?tiet( hon)?[.!]?$/;

const GENERIC_TOPICS = new Set(['nguoi-co-cong', 'nghi-dinh', 'thu-tuc-hanh-chinh', 'cap-xa', 'chinh-quyen-2-cap']);
const INTENT_BOOST = 0.1;
/** How many passages are searched for each other question of a many-part message. */
const PART_DEPTH = 5;

/**
 * The core: a question in, a cited answer or an escalation out. It knows nothing of Telegram or Zalo;
 * channels turn platform updates into `IncomingMessage`s and render the `AssistantReply`.
 */
export class Assistant {
  readonly settings: AssistantSettings;
  private readonly memory: ChatMemory;
  private readonly curatedMatcher: CuratedMatcher;
  private readonly now: () => Date;
  private readonly limiter: QuestionRateLimiter;
  private readonly turns: TurnScheduler;
  /** What answers derive from the searcher's passages, kept until the next index snapshot. */
  private derived: { passages: readonly StoredPassage[]; amounts: AmountRegistry; features: PassageFeatures; procedures: ProcedureOpenings } | undefined;

  constructor(private readonly deps: AssistantDeps) {
    this.settings = { ...DEFAULT_ASSISTANT_SETTINGS, ...deps.settings };
    this.now = deps.now ?? (() => new Date());
    this.memory = new ChatMemory(this.settings.memoryTtlMs, () => this.now().getTime());
    this.curatedMatcher = new CuratedMatcher(deps.curated, this.settings.curatedMinSimilarity);
    this.limiter = new QuestionRateLimiter(this.settings.questionsPerMinute, () => this.now().getTime());
    this.turns = deps.turns ?? new TurnTaker();
  }

  /**
   * Answers one message through a pipeline of stages, each of which may give the reply: guard (access,
   * replays, rate), small talk, an explicit request for an expert, curated answers, retrieval and its gate,
   * composition (extractive, then the model when configured).
   */
  async handle(message: IncomingMessage): Promise<AssistantReply> {
    const started = performance.now();
    const guarded = await this.guard(message);
    if (guarded) return guarded;
    const turn = this.readMessage(message, started);
    const early = this.smallTalk(turn);
    if (early) return early;
    if (turn.smallTalk === 'expert_request') return this.expertRequest(turn);

    const understood = this.understand(turn);
    const searcher = await this.deps.kb.searcher();
    // The CPU-heavy part starts in a turn of its own, so other webhooks are acknowledged meanwhile.
    await this.turns.next();
    const curated = await this.curatedStage(turn, understood, searcher);
    if (curated) return this.offerForms(curated);
    const retrieved = await this.retrieve(understood, searcher);
    const gate = assessRetrieval(retrieved.hits, this.settings.gate, understood.domain);
    if (!gate.answer) {
      return this.escalate({ ...this.escalation(turn, understood), reason: gate.reason, hits: retrieved.hits, confidence: gate.confidence });
    }
    return this.offerForms(await this.compose(turn, understood, retrieved, searcher, gate.confidence));
  }

  /** The forms an answer names that have a file, for the channel to offer. */
  private async offerForms(reply: AssistantReply): Promise<AssistantReply> {
    const offers = await this.deps.forms?.offers(reply.text);
    return offers?.length ? { ...reply, forms: offers } : reply;
  }

  /** Refuses who may not ask and who asks too fast; replays an answer already given; sends relays held back. */
  private async guard(message: IncomingMessage): Promise<AssistantReply | undefined> {
    const { asker } = message;
    if (!(await this.deps.escalation.access.mayAsk(asker))) {
      return plainReply('refused', 'Tài khoản của bạn chưa được duyệt để hỏi Trợ lý Xã. Vui lòng liên hệ quản trị viên của tỉnh để được cấp quyền.');
    }
    if (message.resumed && message.sourceKey) {
      const earlier = await this.deps.log.findBySource(message.sourceKey);
      if (earlier?.replyText !== undefined) return replayedReply(earlier, earlier.replyText);
    }
    const wait = message.rateLimited === false ? 0 : this.limiter.take(`${asker.channel}:${asker.userId}`);
    if (wait > 0) {
      return plainReply('refused', `Bạn đang gửi câu hỏi nhanh quá. Vui lòng đợi khoảng ${wait} giây rồi hỏi tiếp.`);
    }
    // A relay that could not be delivered earlier (e.g. outside a messaging window) goes out now.
    await this.deps.escalation.deliverPendingFor(asker.channel, asker.chatId);
    return undefined;
  }

  /** The message read as a story and a question; what is stored of it; the chat's previous question. */
  private readMessage(message: IncomingMessage, started: number): Turn {
    // A long story ends with its question: the whole message is read (within a bound), what is stored is capped.
    const whole = nfc(message.text).trim();
    const asRead = readQuestion(whole.slice(0, this.settings.maxReadChars));
    const paperTerms = message.paper?.searchTerms.trim();
    const read = paperTerms ? { ...asRead, query: `${asRead.query} ${paperTerms}` } : asRead;
    const text = storedQuestion(read, this.settings.maxQuestionChars);
    const warnings: string[] = [];
    if (whole.length > this.settings.maxReadChars) {
      warnings.push(`✂️ Tin nhắn dài hơn ${this.settings.maxReadChars} ký tự nên tôi chỉ đọc phần đầu. Bạn nên hỏi ngắn gọn từng ý.`);
    }
    const chatKey = `${message.asker.channel}:${message.asker.chatId}`;
    return {
      asker: message.asker,
      read,
      text,
      warnings,
      chatKey,
      smallTalk: classifySmallTalk(text),
      previous: this.memory.get(chatKey),
      started,
      sourceKey: message.sourceKey,
      resumed: message.resumed === true,
      attachment: message.paper?.attachment,
    };
  }

  /** Empty messages, greetings, thanks and "/chitiet" are answered without searching. */
  private smallTalk(turn: Turn): AssistantReply | Promise<AssistantReply> | undefined {
    if (turn.smallTalk === 'empty') {
      return plainReply('smalltalk', 'Bạn chưa nhập câu hỏi. Ví dụ: "Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?"');
    }
    if (turn.smallTalk === 'greeting') {
      return plainReply(
        'smalltalk',
        'Xin chào! Tôi là Trợ lý Xã. Tôi trả lời về thủ tục, chế độ đối với người có công và các Kết luận 192-KL/TW, 195-KL/TW về chính quyền địa phương hai cấp. Bạn cứ gõ câu hỏi, có dấu hay không dấu đều được.',
      );
    }
    if (turn.smallTalk === 'thanks') return plainReply('smalltalk', 'Rất vui được hỗ trợ bạn. Cần gì bạn cứ hỏi tiếp nhé!');
    if (DETAILS_REQUEST.test(fold(turn.text.toLowerCase()).trim())) return this.details(turn.chatKey);
    // "/mau 12", "mẫu số 12" alone: the form's file (queued to the chat) or where it is published.
    const { forms } = this.deps;
    const formRequest = forms && parseFormRequest(turn.text);
    if (formRequest) return forms.answer(formRequest, turn.asker, turn.sourceKey).then((text) => plainReply('smalltalk', text));
    return undefined;
  }

  /** "hỏi chuyên gia: …" (or alone, after a question): a ticket for the experts. */
  private async expertRequest(turn: Turn): Promise<AssistantReply> {
    const question = stripExpertRequest(turn.text) || turn.previous?.question;
    if (!question) {
      return plainReply('smalltalk', 'Bạn muốn hỏi chuyên gia câu nào? Hãy gõ: "hỏi chuyên gia: <câu hỏi của bạn>".');
    }
    const { asker, started, warnings, sourceKey, resumed, attachment } = turn;
    // The passages found go with the ticket: they tell the expert what the knowledge base holds, and the
    // best one's topic routes the ticket to the experts of that topic (none for a neighbouring field).
    const read = readQuestion(question);
    const searcher = await this.deps.kb.searcher();
    const { hits } = await searcher.search(read.query, this.settings.retrievalDepth);
    const outside = judgeDomain(read.question, read.story).verdict === 'out';
    const found = outside ? [] : withoutGlossary(hits);
    const confidence = found[0] ? round3(found[0].lexicalCoverage) : 0;
    return this.escalate({ asker, question, query: read.query, reason: 'user_request', hits: found, confidence, started, warnings, sourceKey, resumed, attachment });
  }

  /** The question with the case of a follow-up, and whether it is in the field. */
  private understand(turn: Turn): Understood {
    const { read, previous } = turn;
    const followUp = previous !== undefined && isFollowUp(read.question);
    const query = followUp ? `${previous.query} ${read.query}` : read.query;
    const asked: ReadQuestion = followUp ? { ...read, query, asks: read.asks ?? previous.asks, story: `${previous.story ?? ''} ${read.story}`.trim() } : read;
    const domain = judgeDomain(followUp ? `${previous.question} ${read.question}` : read.question, asked.story);
    return { followUp, query, asked, domain };
  }

  /**
   * An approved expert answer to the same question, reused verbatim with who answered and when, and the
   * texts it rests on. One whose texts changed since its approval is not served (an admin reviews it
   * first): the question is answered from today's texts, with a note saying why.
   */
  private async curatedStage(turn: Turn, understood: Understood, searcher: AnswerSearcher): Promise<AssistantReply | undefined> {
    const curated = await this.curatedMatcher.match(understood.followUp ? understood.query : turn.read.question, searcher);
    if (!curated) return undefined;
    const sources = curated.answer.sources ?? [];
    const today = this.today();
    if (changedSources(sources, documentsFromPassages(sources, (id) => searcher.passagesOf(id)), today).length > 0) {
      turn.warnings.unshift(CURATED_UNDER_REVIEW_NOTE);
      this.deps.logger?.info({ curated: curated.answer.id }, 'curated answer held back: a text it rests on changed');
      return undefined;
    }
    await this.deps.curated.recordHit(curated.answer.id);
    const expert = curated.answer.expertId === undefined ? undefined : await this.deps.users.get(curated.answer.expertId);
    const when = (curated.answer.answeredAt ?? curated.answer.approvedAt).slice(0, 10);
    const basis = sources
      .map((s) => searcher.passagesOf(s.docId).find((p) => p.id === s.passageId))
      .filter((p): p is StoredPassage => p !== undefined)
      .map((p) => toCitation(p, today));
    const signed = `${curated.answer.answer}\n\n— Chuyên gia ${expert?.displayName ?? 'biệt phái'} trả lời ngày ${vietnameseDate(when)} (câu trả lời đã được duyệt).`;
    const body = basis.length > 0 ? `${signed}\n${formatSources(basis)}` : signed;
    const citation: AnswerCitation = {
      id: `curated:${curated.answer.id}`,
      docId: `curated:${curated.answer.id}`,
      citation: `Câu trả lời của chuyên gia đã được duyệt (phiếu #${curated.answer.sourceTicketId ?? curated.answer.id})`,
      verified: true,
      status: 'in_force',
    };
    const { asker, text, warnings, started, sourceKey } = turn;
    return this.finish({
      stage: 'curated', asker, question: text, query: understood.query, body, citations: [citation, ...basis], warnings,
      confidence: round3(curated.similarity), started, curatedId: curated.answer.id, sourceKey, sources,
    });
  }

  /** The passages for the question (and for each other question of a many-part message). */
  private async retrieve(understood: Understood, searcher: AnswerSearcher): Promise<Retrieved> {
    const { asked } = understood;
    const { hits: found, expandedQuery } = await searcher.search(understood.query, this.settings.retrievalDepth);
    // Results of searches run in another thread arrive together; each is taken up in a turn of its own.
    await this.turns.next();
    // The glossary answers "ncc là gì"; for any other question it only echoes the words asked.
    const raw = isDefinitional(asked.question) ? found : withoutGlossary(found);
    const intent = detectSectionIntent(asked.question);
    const reranked = intent ? rerankForIntent(raw, intent) : raw;
    const deathFirst = asked.afterDeath ? deathBenefitsFirst(reranked) : reranked;
    // A short question's group is what it asks about; a story's groups are its background.
    const short = !asked.story && asked.question.length <= SHORT_QUESTION_CHARS;
    const ordered = withAskedWordsFirst(short ? namedGroupFirst(deathFirst, asked.question, expandedQuery) : deathFirst, asked.question);
    const hits = asked.asks === 'amount' ? ratedRowFirst(ordered, asked, expandedQuery, (id) => searcher.passagesOf(id)) : ordered;
    return { hits, expandedQuery, intent };
  }

  /** The reply from the passages: the direct lines and the passages, or the model's answer after the lines. */
  private async compose(turn: Turn, understood: Understood, retrieved: Retrieved, searcher: AnswerSearcher, confidence: number): Promise<AssistantReply> {
    const { asked, query, followUp } = understood;
    const { hits, expandedQuery, intent } = retrieved;
    // Each other question of a many-part message is searched on its own, to answer it with a line of its own.
    const partHits: ScoredPassage[][] = [];
    const partQueries: string[] = [];
    for (const part of asked.parts) {
      const { hits: partFound, expandedQuery: partQuery } = await searcher.search(part.query, PART_DEPTH);
      partHits.push(withAskedWordsFirst(withoutGlossary(partFound), part.question));
      partQueries.push(partQuery);
    }
    const first = asked.firstPart ? await searcher.search(asked.firstPart.query, PART_DEPTH) : undefined;
    const top = hits[0]!;
    const findDocument = (reference: string) => documentByReference(searcher, reference);
    const { amounts, features, procedures } = this.derivedOf(searcher);
    // The extractive composition is cheap and gives the direct first lines in both modes: with an LLM, the
    // verbatim asked fact (with its period) still leads, and the model's explanation follows.
    const composed = composeExtractiveAnswer({
      read: asked,
      expandedQuery,
      hits,
      allPassages: searcher.passagesOf(top.passage.docId),
      intent,
      registry: amounts,
      today: this.now().toISOString().slice(0, 10),
      partHits,
      partQueries,
      ...(first && asked.firstPart && { firstHits: withAskedWordsFirst(withoutGlossary(first.hits), asked.firstPart.question), firstQuery: first.expandedQuery }),
      findDocument,
      passagesOf: (docId: string) => searcher.passagesOf(docId),
      features,
      proceduresOf: (passage) => procedures.of(passage),
    });
    let body = composed.body;
    const { lead } = composed;
    let citations = composed.citations;
    const answerWarnings = [...turn.warnings];
    let fromModel = false;
    if (this.deps.llm) {
      const context = hits.slice(0, 5).map((h) => h.passage);
      const outcome = await this.deps.llm.answer(followUp ? query : turn.read.text, context);
      // Likewise the model's answers: many can arrive in one message drain of the LLM thread.
      await this.turns.next();
      if (outcome.kind === 'answer') {
        const used = outcome.cited.map((n) => context[n - 1]!);
        fromModel = true;
        body = lead.length ? `${lead.join('\n')}\n\n${outcome.text}` : outcome.text;
        const direct = composed.citations.filter((c) => lead.length > 0 && !used.some((p) => p.id === c.id));
        const today = this.today();
        const validity = replacementOf(used, hits, findDocument, new Set(), today);
        citations = [...(validity.passage ? [validity.passage] : []), ...used].map((p) => toCitation(p, today)).concat(direct);
        if (used.some((p) => !p.meta.verified)) answerWarnings.push(unverifiedWarning(used));
        if (validity.notes.length > 0) answerWarnings.push(...validity.notes);
        else if (used.some((p) => p.meta.status === 'superseded')) answerWarnings.push('⚠️ Có nguồn đã bị thay thế; nội dung chỉ để tham khảo.');
      } else if (outcome.kind === 'not_covered') {
        return this.escalate({ ...this.escalation(turn, understood), reason: 'low_confidence', hits, confidence });
      } else {
        this.deps.logger?.warn({ why: outcome.why }, 'LLM answer rejected; answering extractively');
      }
    }
    if (!fromModel) answerWarnings.push(...composed.warnings);
    const { asker, text, started, sourceKey } = turn;
    const used = citations
      .map((c) => searcher.passagesOf(c.docId).find((p) => p.id === c.id))
      .filter((p): p is StoredPassage => p !== undefined);
    return this.finish({
      stage: 'retrieval', asker, question: text, query, body, citations, warnings: answerWarnings,
      confidence, started, docId: top.passage.docId, topic: topicOf(top), sourceKey, read: asked,
      sources: sourcesOf(used, this.today()),
    });
  }

  /** What every escalation of this turn shares. */
  private escalation(turn: Turn, understood: Understood) {
    const { asker, text, started, warnings, sourceKey, resumed, attachment } = turn;
    return { asker, question: text, query: understood.query, started, warnings, sourceKey, resumed, read: understood.asked, attachment };
  }

  /** The amounts of the searcher's knowledge base and its passages' units and words, once per index snapshot. */
  private derivedOf(searcher: { passages: readonly StoredPassage[] }): { amounts: AmountRegistry; features: PassageFeatures; procedures: ProcedureOpenings } {
    if (this.derived?.passages !== searcher.passages) {
      this.derived = { passages: searcher.passages, amounts: new AmountRegistry(searcher.passages), features: new PassageFeatures(), procedures: new ProcedureOpenings(searcher.passages) };
    }
    return this.derived;
  }

  /** Stores feedback on an answer; "not helpful" and "ask an expert" hand the question to an expert. */
  async feedback(answerId: number, value: FeedbackValue, asker: Asker): Promise<AssistantReply> {
    const entry = await this.deps.log.get(answerId);
    // Only the chat that received the answer may rate it (and so escalate it in the asker's name).
    if (!entry || entry.asker.channel !== asker.channel || entry.asker.chatId !== asker.chatId) {
      return plainReply('smalltalk', 'Không tìm thấy câu trả lời này để ghi nhận góp ý.');
    }
    await this.deps.log.addFeedback(answerId, value, asker, this.now().toISOString());
    if (value === 'helpful') return plainReply('smalltalk', 'Cảm ơn bạn đã phản hồi!');
    if (entry.ticketId !== undefined) {
      const routing = (await this.deps.escalation.routingOf(entry.ticketId)) ?? 'nobody';
      return plainReply('smalltalk', alreadyEscalatedText(entry.ticketId, routing));
    }
    const started = performance.now();
    const searcher = await this.deps.kb.searcher();
    const { hits } = await searcher.search(entry.query, this.settings.retrievalDepth);
    const reply = await this.escalate({
      asker: entry.asker.chatId ? { ...entry.asker } : asker,
      question: entry.question,
      query: entry.query,
      reason: value === 'unhelpful' ? 'unhelpful_feedback' : 'user_request',
      hits,
      confidence: entry.confidence,
      started,
      warnings: [],
      log: false,
    });
    if (reply.ticket !== undefined) await this.deps.log.attachTicket(answerId, reply.ticket);
    return reply;
  }

  private async escalate(input: {
    asker: Asker;
    question: string;
    query: string;
    reason: EscalationReason;
    hits: readonly ScoredPassage[];
    confidence: number;
    started: number;
    warnings: string[];
    log?: boolean;
    sourceKey?: string;
    resumed?: boolean;
    read?: ReadQuestion;
    attachment?: TicketAttachmentInput;
  }): Promise<AssistantReply> {
    const context: RetrievedContextItem[] = input.hits.slice(0, 5).map((h) => ({
      id: h.passage.id,
      citation: h.passage.citation,
      score: round3(h.score),
      lexicalScore: round3(h.lexicalScore),
      vectorSimilarity: round3(h.vectorSimilarity),
    }));
    const ticket = await this.deps.escalation.createTicket({
      asker: input.asker,
      question: input.question,
      // An out-of-domain question belongs to no topic of the knowledge base, whatever passage ranked first.
      topic: input.reason !== 'out_of_domain' && input.hits[0] ? topicOf(input.hits[0]) : undefined,
      reason: input.reason,
      context,
      confidence: input.confidence,
      ...(input.sourceKey && { sourceKey: input.sourceKey }),
      ...(input.resumed && { resumed: true }),
      ...(input.attachment && { attachment: input.attachment }),
    });
    const lead: Record<EscalationReason, string> = {
      out_of_domain: 'Câu hỏi này nằm ngoài phạm vi tài liệu tôi đang có (thủ tục, chế độ người có công; Kết luận 192, 195 về chính quyền hai cấp), nên tôi không tự trả lời để tránh sai sót.',
      low_confidence: 'Tôi chưa tìm được căn cứ đủ chắc chắn để trả lời câu hỏi này, nên không tự trả lời để tránh sai sót.',
      ambiguous: 'Câu hỏi này có thể thuộc nhiều thủ tục, chế độ khác nhau, tôi chưa xác định được chắc chắn.',
      user_request: 'Tôi đã ghi nhận yêu cầu hỏi chuyên gia của bạn.',
      unhelpful_feedback: 'Cảm ơn góp ý của bạn.',
    };
    const body = `${lead[input.reason]} ${escalatedText(ticket.id, ticket.routing)}`;
    return this.finish({
      stage: 'escalated', asker: input.asker, question: input.question, query: input.query, body, citations: [],
      warnings: input.warnings, confidence: input.confidence, started: input.started, ticketId: ticket.id,
      reason: input.reason, log: input.log, sourceKey: input.sourceKey, read: input.read,
    });
  }

  private async finish(input: {
    stage: AnswerStage;
    asker: Asker;
    question: string;
    query: string;
    body: string;
    citations: AnswerCitation[];
    warnings: string[];
    confidence: number;
    started: number;
    ticketId?: number;
    curatedId?: number;
    docId?: string;
    topic?: string;
    reason?: string;
    log?: boolean;
    sourceKey?: string;
    read?: ReadQuestion;
    /** The passages the reply rests on (recorded with it in the question log). */
    sources?: PassageSource[];
  }): Promise<AssistantReply> {
    const basis = input.stage === 'retrieval' ? formatSources(input.citations) : '';
    const text = [input.body, basis, ...input.warnings].filter(Boolean).join('\n\n');
    let answerId: number | undefined;
    if (input.log !== false) {
      answerId = await this.deps.log.add({
        asker: input.asker,
        question: input.question,
        query: input.query,
        stage: input.stage,
        confidence: input.confidence,
        reason: input.reason,
        ticketId: input.ticketId,
        curatedId: input.curatedId,
        docId: input.docId,
        topic: input.topic,
        citations: input.citations,
        latencyMs: Math.round((performance.now() - input.started) * 100) / 100,
        createdAt: this.now().toISOString(),
        ...(input.sourceKey && { sourceKey: input.sourceKey }),
        replyText: text,
        ...(input.sources && input.sources.length > 0 && { sources: input.sources }),
      });
      this.memory.remember(`${input.asker.channel}:${input.asker.chatId}`, {
        question: input.question,
        query: input.query,
        ...(input.read && { asks: input.read.asks, story: input.read.story }),
        docId: input.docId,
        answerId,
      });
    }
    this.deps.logger?.info({ stage: input.stage, confidence: input.confidence, ticket: input.ticketId, reason: input.reason }, 'answered');
    const reply: AssistantReply = {
      stage: input.stage,
      text,
      body: input.body,
      citations: input.citations,
      warnings: input.warnings,
      confidence: input.confidence,
      offerFeedback: input.stage === 'retrieval' || input.stage === 'curated',
    };
    if (input.ticketId !== undefined) reply.ticket = input.ticketId;
    if (answerId !== undefined) reply.answerId = answerId;
    if (input.reason) reply.escalationReason = input.reason;
    const brief = input.stage === 'retrieval' ? briefReply(text, input.citations) : undefined;
    if (brief) reply.brief = brief;
    return reply;
  }

  /** Today's date (YYYY-MM-DD) by the assistant's clock: which documents are in force. */
  private today(): string {
    return this.now().toISOString().slice(0, 10);
  }

  /** "/chitiet": the whole of the chat's last answer, when messengers were sent its short form. */
  private async details(chatKey: string): Promise<AssistantReply> {
    const answerId = this.memory.get(chatKey)?.answerId;
    const entry = answerId === undefined ? undefined : await this.deps.log.get(answerId);
    if (!entry?.replyText) return plainReply('smalltalk', 'Chưa có câu trả lời nào để xem chi tiết. Bạn hãy gõ câu hỏi trước nhé.');
    return plainReply('smalltalk', entry.replyText);
  }
}

/** Roughly one phone screen. */
const BRIEF_MAX_CHARS = 700;
const DETAILS_HINT = 'Gõ /chitiet để xem đầy đủ đoạn văn bản và nguồn.';

/**
 * The first message on a messenger: the direct answer (the reply's lines before its first passage) and its
 * basis within about one screen; the rest comes with /chitiet. Undefined when the whole reply already fits
 * or has no direct lines. Derived from the reply's text alone, so an update handled again after a crash
 * sends the same short form.
 */
function briefReply(full: string, citations: readonly AnswerCitation[]): string | undefined {
  if (full.length <= BRIEF_MAX_CHARS + 150) return undefined;
  const at = full.indexOf(PASSAGES_START);
  if (at <= 0) return undefined;
  const lead = full.slice(0, at).split('\n');
  const warnings = full.slice(at).split('\n').filter((line) => line.startsWith('✂️') || line.startsWith('⚠️'));
  const basis = [...new Set(citations.map((c) => c.citation))].slice(0, 2).map((c) => `Căn cứ: ${c}`);
  // A cut message is always said; of the cautions on the sources, the first.
  const caution = [...warnings.filter((w) => w.startsWith('✂️')), ...warnings.filter((w) => w.startsWith('⚠️')).slice(0, 1)];
  const tail = [...basis, ...caution, DETAILS_HINT].join('\n');
  const budget = Math.max(200, BRIEF_MAX_CHARS - tail.length - 2);
  let head = '';
  for (const line of lead) {
    const next = head ? `${head}\n${line}` : line;
    if (next.length <= budget) head = next;
    else {
      if (!head) head = cutAtWord(line, budget);
      break;
    }
  }
  return `${head}\n\n${tail}`;
}

/**
 * The question as logged, within the cap: the message itself, or, for a longer story, its opening and
 * the question part (which a plain cut would lose).
 */
function storedQuestion(read: ReadQuestion, max: number): string {
  if (read.text.length <= max) return read.text;
  const tail = read.question.length > max * 0.6 ? `${read.question.slice(0, Math.floor(max * 0.6) - 1)}…` : read.question;
  const head = read.text.slice(0, Math.max(0, max - tail.length - 3)).trimEnd();
  return `${head} … ${tail}`.slice(0, max);
}

/** The reply given the first time to an update handled again after a crash. */
function replayedReply(entry: LoggedQuestion, text: string): AssistantReply {
  const reply: AssistantReply = {
    stage: entry.stage,
    text,
    body: text,
    citations: entry.citations,
    warnings: [],
    confidence: entry.confidence,
    offerFeedback: entry.stage === 'retrieval' || entry.stage === 'curated',
    answerId: entry.id,
  };
  if (entry.ticketId !== undefined) reply.ticket = entry.ticketId;
  if (entry.reason) reply.escalationReason = entry.reason;
  const brief = entry.stage === 'retrieval' ? briefReply(text, entry.citations) : undefined;
  if (brief) reply.brief = brief;
  return reply;
}

/** A reply that is only text: no sources, no feedback buttons. */
export function plainReply(stage: AnswerStage, text: string): AssistantReply {
  return { stage, text, body: text, citations: [], warnings: [], confidence: 0, offerFeedback: false };
}

/** A question typed in a line ("tb 81% có được người phục vụ không"), not a message that tells a case. */
const SHORT_QUESTION_CHARS = 120;

/** Puts the section the question asks about (hồ sơ, thời hạn, mức hưởng…) ahead of its neighbours. */
function rerankForIntent(hits: readonly ScoredPassage[], intent: NonNullable<ReturnType<typeof detectSectionIntent>>): ScoredPassage[] {
  return hits
    .map((h) => (headingMatches(sectionOf(h.passage), intent) ? { ...h, score: h.score + INTENT_BOOST } : h))
    .sort((a, b) => b.score - a.score);
}

const DEFINITIONAL = /\b(la gi|viet tat|nghia la|nghia gi|ten day du|goi tat)\b/;

function isDefinitional(question: string): boolean {
  return DEFINITIONAL.test(fold(question.toLowerCase()));
}

function withoutGlossary(hits: readonly ScoredPassage[]): ScoredPassage[] {
  const kept = hits.filter((h) => h.passage.meta.doc_type !== 'tu-dien');
  return kept.length > 0 ? kept : [...hits];
}

function topicOf(hit: ScoredPassage): string | undefined {
  return (hit.passage.meta.topic ?? []).find((t) => !GENERIC_TOPICS.has(t)) ?? hit.passage.meta.topic?.[0];
}

/** The passages of the document a `superseded_by` names: by id, number ("77/2024/NĐ-CP") or citation. */
function documentByReference(searcher: AnswerSearcher, reference: string): readonly StoredPassage[] {
  const wanted = reference.trim().toLowerCase();
  if (!wanted) return [];
  const named = (p: StoredPassage) =>
    [p.meta.id, p.meta.doc_number, p.meta.citation].some((v) => v !== undefined && (v.toLowerCase() === wanted || v.toLowerCase().endsWith(` ${wanted}`)));
  const first = searcher.passages.find(named);
  return first ? searcher.passagesOf(first.docId) : [];
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The rule on what a family receives when a người có công dies: mai táng and the one-time allowance. */
const DEATH_BENEFITS_TEXT = /\bmai táng\b/iu;
const DEATH_TEXT = /\b(từ trần|chết)\b/iu;

/**
 * For a question on what the family receives after a death, the passage of the death benefits leads when it
 * is among the first hits: a passage on the person's own benefits matches the story's words better but does
 * not answer "what now".
 */
function deathBenefitsFirst(hits: readonly ScoredPassage[]): ScoredPassage[] {
  const at = hits.slice(0, 5).findIndex((h) => DEATH_BENEFITS_TEXT.test(h.passage.text) && DEATH_TEXT.test(h.passage.text));
  if (at <= 0) return [...hits];
  return [hits[at]!, ...hits.slice(0, at), ...hits.slice(at + 1)];
}
