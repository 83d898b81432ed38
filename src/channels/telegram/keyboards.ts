import { InlineKeyboard } from 'grammy';
import type { AssistantReply } from '../../assistant/types.js';
import { formButtonLabel } from '../../forms/form-texts.js';
import { approveData, claimData, feedbackData, formData } from './callback-data.js';

/** Under an answer: helpful / not helpful / ask an expert. */
export function feedbackKeyboard(answerId: number): InlineKeyboard {
  return new InlineKeyboard()
    .text('👍 Hữu ích', feedbackData.encode(answerId, 'helpful'))
    .text('👎 Chưa hữu ích', feedbackData.encode(answerId, 'unhelpful'))
    .row()
    .text('🧑‍💼 Hỏi chuyên gia', feedbackData.encode(answerId, 'expert'));
}

/**
 * Under an answer: a "Gửi Mẫu số …" button per form it names that has a file, then the feedback buttons
 * when the core offers them; undefined when there is neither.
 */
export function replyKeyboard(reply: AssistantReply): InlineKeyboard | undefined {
  const feedback = reply.offerFeedback && reply.answerId !== undefined;
  if (!reply.forms?.length) return feedback ? feedbackKeyboard(reply.answerId!) : undefined;
  const keyboard = new InlineKeyboard();
  for (const offer of reply.forms) keyboard.text(formButtonLabel(offer), formData.encode(offer.number)).row();
  return feedback ? keyboard.append(feedbackKeyboard(reply.answerId!)) : keyboard;
}

/** Under a ticket notification or reminder sent to an expert. */
export function claimKeyboard(ticketId: number): InlineKeyboard {
  return new InlineKeyboard().text(`✋ Nhận xử lý câu hỏi #${ticketId}`, claimData.encode(ticketId));
}

/** Under an expert's answer shown to an admin. */
export function approveKeyboard(ticketId: number): InlineKeyboard {
  return new InlineKeyboard().text(`✅ Duyệt câu trả lời #${ticketId} làm mẫu`, approveData.encode(ticketId));
}

/** No buttons: for `editMessageReplyMarkup`, to take a message's buttons away. */
export function noKeyboard(): InlineKeyboard {
  return new InlineKeyboard();
}
