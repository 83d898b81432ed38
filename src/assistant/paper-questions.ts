import type { TicketAttachmentInput } from '../escalation/types.js';
import { plainReply } from './assistant.js';
import { classifyPaper, searchTermsOf, type PaperKind } from '../papers/paper-kind.js';
import type { KnowledgeSource } from './ports.js';
import { caseConceptsOf } from './reading.js';
import type { Asker, AssistantReply, IncomingMessage } from './types.js';

/** A paper a user sent in a chat, already read: its text, and the file for an expert if the question is escalated. */
export interface PaperMessage {
  asker: Asker;
  /** The question that came with it (a photo's caption); empty when none did. */
  question: string;
  /** The text the OCR read (NFC; pages separated by form feeds). */
  text: string;
  file?: TicketAttachmentInput;
  sourceKey?: string;
  resumed?: boolean;
}

export interface PaperQuestionsDeps {
  assistant: { handle(message: IncomingMessage): Promise<AssistantReply> };
  kb: KnowledgeSource;
}

/** How many characters of OCR text count as "something was read" (a few stray marks are not a paper). */
const MIN_READ_CHARS = 20;

export const NOTHING_READ_REPLY =
  'Tôi chưa đọc được chữ nào rõ ràng trên ảnh hoặc tệp bạn gửi. Bạn chụp lại thẳng, đủ sáng, rõ chữ rồi gửi lại, hoặc gõ câu hỏi bằng chữ nhé.';

/**
 * Questions that come with a photo or PDF of a paper: says what kind of paper it looks like when its
 * header makes that clear, and answers the question with the paper's kind, form number and domain
 * concepts searched beside it (never its whole text: names and figures would drown the question).
 * Without a question, it says what the paper is and which procedure it belongs to, and asks what the
 * user wants to know. Knows nothing of channels.
 *
 * @example
 * const reply = await papers.answer({ asker, question: 'Nộp ở đâu?', text: scan.text, file });
 */
export class PaperQuestions {
  constructor(private readonly deps: PaperQuestionsDeps) {}

  async answer(message: PaperMessage): Promise<AssistantReply> {
    const text = message.text.trim();
    if (text.replace(/\s+/g, '').length < MIN_READ_CHARS) return plainReply('smalltalk', NOTHING_READ_REPLY);
    const paper = classifyPaper(text);
    const question = message.question.trim();
    if (!question) return plainReply('smalltalk', await this.describe(paper, text));
    const searchTerms = paperSearchTerms(paper, text);
    const reply = await this.deps.assistant.handle({
      asker: message.asker,
      text: question,
      ...(message.sourceKey && { sourceKey: message.sourceKey }),
      ...(message.resumed && { resumed: true }),
      paper: { searchTerms, ...(message.file && { attachment: message.file }) },
    });
    return paper ? withPaperLine(reply, paperLine(paper)) : reply;
  }

  /** What the paper is, which procedure it belongs to (the best passage for its kind), and what to ask. */
  private async describe(paper: PaperKind | undefined, text: string): Promise<string> {
    const ask = 'Bạn muốn hỏi gì về giấy này? Ví dụ: "nộp ở đâu", "hồ sơ gồm những gì", "bao lâu thì được giải quyết".';
    if (!paper) {
      return `Tôi đã đọc được chữ trên giấy bạn gửi nhưng chưa xác định chắc được đây là loại giấy gì. ${ask}`;
    }
    const searcher = await this.deps.kb.searcher();
    const { hits } = await searcher.search(paperSearchTerms(paper, text), 5);
    const best = hits.find((h) => h.passage.meta.doc_type !== 'tu-dien');
    const procedure = best ? ` Theo tài liệu tôi có, giấy này liên quan đến: ${best.passage.citation}.` : '';
    return `${paperLine(paper)}${procedure}\n\n${ask}`;
  }
}

/** The paper's kind or form number and the domain concepts its text names: what is searched for it. */
function paperSearchTerms(paper: PaperKind | undefined, text: string): string {
  return [searchTermsOf(paper), caseConceptsOf(text)].filter(Boolean).join(' ');
}

function paperLine(paper: PaperKind): string {
  return `📄 Giấy bạn gửi có vẻ là ${paper.label}.`;
}

function withPaperLine(reply: AssistantReply, line: string): AssistantReply {
  return {
    ...reply,
    text: `${line}\n\n${reply.text}`,
    body: `${line}\n\n${reply.body}`,
    ...(reply.brief !== undefined && { brief: `${line}\n\n${reply.brief}` }),
  };
}
