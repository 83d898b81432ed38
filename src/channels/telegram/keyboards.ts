import { InlineKeyboard } from 'grammy';
import { approveData, claimData, feedbackData } from './callback-data.js';

/** Under an answer: helpful / not helpful / ask an expert. */
export function feedbackKeyboard(answerId: number): InlineKeyboard {
  return new InlineKeyboard()
    .text('👍 Hữu ích', feedbackData.encode(answerId, 'helpful'))
    .text('👎 Chưa hữu ích', feedbackData.encode(answerId, 'unhelpful'))
    .row()
    .text('🧑‍💼 Hỏi chuyên gia', feedbackData.encode(answerId, 'expert'));
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
