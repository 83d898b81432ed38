import type { Assistant } from '../../assistant/assistant.js';
import type { FeedbackValue } from '../../assistant/question-log.js';
import type { AssistantReply } from '../../assistant/types.js';
import type { EscalationService } from '../../escalation/escalation-service.js';
import type { UserStore } from '../../escalation/stores.js';
import type { Asker } from '../../escalation/types.js';
import { formOfferText } from '../../forms/form-texts.js';
import type { Logger } from '../../logger.js';
import type { ChatFileSource, ChatPaperAnswerer } from '../chat-files/paper-answerer.js';
import { parseExpertCommand, runExpertCommand } from '../expert-commands.js';
import { parseNoticeCommand, runNoticeCommand } from '../notice-commands.js';

/*
 * The text conversation both Zalo channels hold (Zalo has no buttons we can rely on): questions go to the
 * assistant, "1"/"2"/"3" right after an answer give feedback on it, and experts answer tickets with
 * /traloi. Transport-free: the adapters turn platform events into `reply(asker, text)` and send the result.
 */

/** Zalo's text limit per message (Zalo Bot sendMessage, and the OA consultation message). */
export const ZALO_TEXT_LIMIT = 2000;

export const FEEDBACK_HINT = '👉 Trả lời 1 nếu câu trả lời hữu ích, 2 nếu chưa đúng, 3 để hỏi chuyên gia.';

export const NON_TEXT_REPLY =
  'Cảm ơn bạn! Hiện Trợ lý Xã chỉ đọc được tin nhắn chữ. Bạn vui lòng gõ câu hỏi bằng chữ (có dấu hay không dấu đều được) nhé.';

export const FAILURE_REPLY = 'Xin lỗi, Trợ lý Xã đang gặp sự cố nên chưa trả lời được. Bạn vui lòng gửi lại câu hỏi sau ít phút.';

export const NO_PENDING_FEEDBACK =
  'Không có câu trả lời nào đang chờ góp ý. Bạn cứ gõ câu hỏi, tôi sẽ trả lời kèm căn cứ pháp lý.';

const FEEDBACK_DIGITS: Record<string, FeedbackValue> = { '1': 'helpful', '2': 'unhelpful', '3': 'expert' };
const MAX_REMEMBERED_CHATS = 10_000;

export interface ZaloConversationDeps {
  assistant: Assistant;
  escalation: EscalationService;
  users: UserStore;
  logger?: Logger;
}

export interface ZaloConversationOptions {
  /** How long "1"/"2"/"3" still refers to the last answer in a chat. Default 30 minutes. */
  feedbackTtlMs?: number;
  now?: () => number;
}

/**
 * The per-channel conversation logic: one instance per adapter (it remembers each chat's last answer).
 *
 * @example
 * const conversation = new ZaloConversation(deps);
 * const text = await conversation.reply({ channel: 'zalo-bot', chatId, userId }, 'Hồ sơ mai táng gồm gì?');
 */
export class ZaloConversation {
  /** `chatId` → the answer the next "1"/"2"/"3" refers to. */
  private readonly lastAnswer = new Map<string, { answerId: number; at: number }>();
  private readonly feedbackTtlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly deps: ZaloConversationDeps,
    options: ZaloConversationOptions = {},
  ) {
    this.feedbackTtlMs = options.feedbackTtlMs ?? 30 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The plain text to send back for a text message (not yet split to the platform limit). Never throws:
   * a failure is logged and the user is asked to try again. `source` names the platform update (see
   * IncomingMessage), so that handling it again after a crash does not log or escalate it twice.
   */
  async reply(asker: Asker, text: string, source: { sourceKey?: string; resumed?: boolean } = {}): Promise<string> {
    try {
      return await this.answer(asker, text, source);
    } catch (error) {
      this.deps.logger?.error({ err: error, channel: asker.channel }, 'could not answer a message');
      return FAILURE_REPLY;
    }
  }

  private async answer(asker: Asker, text: string, source: { sourceKey?: string; resumed?: boolean }): Promise<string> {
    const notices = parseNoticeCommand(text);
    if (notices) {
      await this.userWrote(asker);
      return runNoticeCommand(notices, { channel: asker.channel, userId: asker.userId }, this.deps.users, new Date(this.now()));
    }
    const command = parseExpertCommand(text);
    if (command) {
      await this.userWrote(asker);
      return runExpertCommand(command, { channel: asker.channel, userId: asker.userId }, this.deps);
    }
    const digit = /^\s*([123])\s*[.!]?\s*$/u.exec(text)?.[1];
    if (digit) {
      const pending = this.takeLastAnswer(asker.chatId);
      await this.userWrote(asker);
      if (pending === undefined) return NO_PENDING_FEEDBACK;
      return renderReply(await this.deps.assistant.feedback(pending, FEEDBACK_DIGITS[digit]!, asker), false);
    }
    // The assistant re-enables pending relays to this chat itself.
    return this.rendered(asker, await this.deps.assistant.handle({ asker, text, ...source }));
  }

  /**
   * The text to send back for a photo or PDF of a paper, with its caption ('' when none). Never throws, as
   * `reply`. `papers` undefined: files are not read here, and the user is asked for the question in text.
   */
  async paper(
    asker: Asker,
    papers: ChatPaperAnswerer | undefined,
    file: ChatFileSource,
    caption: string,
    source: { sourceKey?: string; resumed?: boolean } = {},
  ): Promise<string> {
    if (!papers) return this.nonText(asker);
    try {
      // Without a caption the assistant is not asked, so the pending relays are made due here.
      if (!caption.trim()) await this.userWrote(asker);
      return this.rendered(asker, await papers.answer({ asker, question: caption, file, ...source }));
    } catch (error) {
      this.deps.logger?.error({ err: error, channel: asker.channel }, 'could not answer a paper');
      return FAILURE_REPLY;
    }
  }

  /** The reply as Zalo text; "1"/"2"/"3" then refers to it when it offers feedback. */
  private rendered(asker: Asker, reply: AssistantReply): string {
    const offer = reply.offerFeedback && reply.answerId !== undefined;
    if (offer) this.rememberAnswer(asker.chatId, reply.answerId!);
    else this.lastAnswer.delete(asker.chatId);
    return renderReply(reply, offer);
  }

  /** For a sticker, image, voice…: the user is reachable again, but there is nothing to read. */
  async nonText(asker: Asker): Promise<string> {
    await this.userWrote(asker).catch((error: unknown) => this.deps.logger?.error({ err: error }, 'could not re-enable pending relays'));
    return NON_TEXT_REPLY;
  }

  /** The user wrote: a relay that could not reach them earlier (e.g. outside a messaging window) is due now. */
  userWrote(asker: Pick<Asker, 'channel' | 'chatId'>): Promise<number> {
    return this.deps.escalation.deliverPendingFor(asker.channel, asker.chatId);
  }

  private rememberAnswer(chatId: string, answerId: number): void {
    this.lastAnswer.delete(chatId);
    if (this.lastAnswer.size >= MAX_REMEMBERED_CHATS) this.lastAnswer.delete(this.lastAnswer.keys().next().value!);
    this.lastAnswer.set(chatId, { answerId, at: this.now() });
  }

  private takeLastAnswer(chatId: string): number | undefined {
    const entry = this.lastAnswer.get(chatId);
    this.lastAnswer.delete(chatId);
    return entry && this.now() - entry.at <= this.feedbackTtlMs ? entry.answerId : undefined;
  }
}

/**
 * An assistant reply as Zalo text: plain text (the short form when the reply has one: the rest comes with
 * "/chitiet"), the forms it can send ("Gõ /mau 12 …") and the feedback hint after a blank line when offered.
 */
export function renderReply(reply: AssistantReply, offerFeedback: boolean): string {
  const text = toZaloText(reply.brief ?? reply.text);
  const withForms = reply.forms?.length ? `${text}\n\n${formOfferText(reply.forms)}` : text;
  return offerFeedback ? `${withForms}\n\n${FEEDBACK_HINT}` : withForms;
}

/**
 * Plain text that reads well in a Zalo chat, which shows no markup: Markdown an LLM may have written is
 * reduced to its words (headings, bold, italics, code, links → "text (url)"), "* " bullets become "- ",
 * and runs of blank lines become one. Emoji (📌, ⚠️) and "Căn cứ:" lines are kept as they are.
 */
export function toZaloText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/^```[^\n]*\n?/gmu, '')
    .replace(/^#{1,6}[ \t]+/gmu, '')
    .replace(/^([ \t]*)[*+][ \t]+/gmu, '$1- ')
    .replace(/\*\*(.+?)\*\*/gu, '$1')
    .replace(/__(.+?)__/gu, '$1')
    .replace(/`([^`\n]+)`/gu, '$1')
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/gu, '$1 ($2)')
    .replace(/[ \t]+$/gmu, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
