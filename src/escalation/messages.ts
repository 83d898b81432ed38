import { topicLabel } from './topic-labels.js';
import { reachableInChat } from './routing.js';
import type { EscalationReason, Ticket, TicketRouting, User } from './types.js';

/*
 * The Vietnamese texts the escalation loop sends. Plain text (no Markdown), so every channel can send
 * them as they are; a channel splits a text longer than its platform's limit.
 */

/** The command an expert sends in chat to answer a ticket (implemented by the channels). */
export const ANSWER_COMMAND = '/traloi';

const REASON_LABELS: Record<EscalationReason, string> = {
  low_confidence: 'độ tin cậy của câu trả lời tự động thấp',
  ambiguous: 'câu hỏi chưa rõ, có thể hiểu theo nhiều cách',
  out_of_domain: 'nội dung ngoài phạm vi tài liệu của hệ thống',
  user_request: 'người hỏi đề nghị được chuyên gia trả lời',
  unhelpful_feedback: 'người hỏi cho biết câu trả lời tự động chưa hữu ích',
};

const CHANNEL_LABELS: Record<string, string> = {
  telegram: 'Telegram',
  zalo: 'Zalo',
  'zalo-bot': 'Zalo Bot',
  'zalo-oa': 'Zalo OA',
  cli: 'dòng lệnh',
  web: 'trang web',
};

const QUESTION_MAX_CHARS = 1500;

export function reasonLabel(reason: EscalationReason): string {
  return REASON_LABELS[reason] ?? reason;
}

/**
 * To each expert of the topic when a ticket is created; to the admins (`audience` 'admins') when no
 * expert covers it. The first line starts "Câu hỏi mới #<số>" either way (a Telegram reply to it answers).
 */
export function notifyText(ticket: Ticket, audience: 'experts' | 'admins' = 'experts'): string {
  const lines =
    audience === 'experts'
      ? [`Câu hỏi mới #${ticket.id} cần chuyên gia trả lời`, askerLine(ticket)]
      : [
          `Câu hỏi mới #${ticket.id} chưa có chuyên gia phụ trách`,
          ticket.topic
            ? `Chưa có chuyên gia nào được giao lĩnh vực “${topicLabel(ticket.topic)}”, nên câu hỏi được chuyển đến quản trị viên. Quản trị viên có thể tự trả lời, hoặc giao lĩnh vực này cho một chuyên gia trong trang quản trị (mục Người dùng).`
            : 'Hệ thống chưa xác định được lĩnh vực của câu hỏi, nên câu hỏi được chuyển đến quản trị viên để trả lời.',
          askerLine(ticket),
        ];
  if (ticket.topic) lines.push(`Lĩnh vực: ${topicLabel(ticket.topic)}`);
  const confidence = ticket.confidence === undefined ? '' : ` (độ tin cậy ${decimal(ticket.confidence)})`;
  lines.push(`Lý do chuyển: ${reasonLabel(ticket.reason)}${confidence}`);
  lines.push(`Câu hỏi: ${clip(ticket.question, QUESTION_MAX_CHARS)}`);
  const found = ticket.context.slice(0, 3);
  if (found.length) {
    lines.push('Tài liệu hệ thống đã tìm thấy:');
    for (const item of found) lines.push(`- ${item.citation} (điểm ${decimal(item.score)})`);
  }
  lines.push(howToAnswer(ticket.id));
  return lines.join('\n');
}

/** To the experts of an open ticket nobody answered in time. */
export function reminderText(ticket: Ticket, waitedMs: number): string {
  return [
    `Nhắc việc: câu hỏi #${ticket.id} đã chờ ${duration(waitedMs)} mà chưa có câu trả lời.`,
    askerLine(ticket),
    `Câu hỏi: ${clip(ticket.question, QUESTION_MAX_CHARS)}`,
    howToAnswer(ticket.id),
  ].join('\n');
}

/** To the asker, in the chat the question came from. */
export function relayText(ticket: Ticket, expert: User, answer: string): string {
  return [
    `Chuyên gia ${expert.displayName} trả lời câu hỏi #${ticket.id} của bạn:`,
    answer,
    '',
    `Câu hỏi của bạn: “${clip(ticket.question, 300)}”`,
  ].join('\n');
}

/**
 * What the asker is told once their question became a ticket: the experts of the topic have it, or —
 * when none covers it — it was recorded and an admin will look at it.
 */
export function escalatedText(ticketId: number, routing: TicketRouting): string {
  const then = 'Khi có trả lời, tôi sẽ gửi lại ngay trong cuộc trò chuyện này.';
  if (routing === 'experts') return `Câu hỏi đã được chuyển đến chuyên gia (phiếu số #${ticketId}). ${then}`;
  return `Câu hỏi đã được ghi lại (phiếu số #${ticketId}); hiện chưa có chuyên gia phụ trách chủ đề này, quản trị viên sẽ xem và trả lời. ${then}`;
}

/** To an asker who asks again for an expert about a question that already has a ticket. */
export function alreadyEscalatedText(ticketId: number, routing: TicketRouting): string {
  const then = 'Tôi sẽ gửi câu trả lời ngay khi có.';
  if (routing === 'experts') return `Câu hỏi này đã được chuyển cho chuyên gia (phiếu số #${ticketId}). ${then}`;
  return `Câu hỏi này đã được ghi lại (phiếu số #${ticketId}); hiện chưa có chuyên gia phụ trách chủ đề này, quản trị viên sẽ xem và trả lời. ${then}`;
}

/** A person notified about a ticket, as the ticket's log names them: "Trần Thị Bình (Telegram)". */
export function recipientLabel(user: Pick<User, 'displayName' | 'channel' | 'chatId'>): string {
  const where = reachableInChat(user) ? (CHANNEL_LABELS[user.channel] ?? user.channel) : 'chỉ trên trang quản trị';
  return `${user.displayName} (${where})`;
}

function askerLine(ticket: Ticket): string {
  const parts = [ticket.asker.displayName ?? '(chưa rõ tên)'];
  if (ticket.asker.commune) parts.push(ticket.asker.commune);
  parts.push(`qua ${CHANNEL_LABELS[ticket.asker.channel] ?? ticket.asker.channel}`);
  return `Người hỏi: ${parts.join(' · ')}`;
}

function howToAnswer(ticketId: number): string {
  return `Cách trả lời: gửi “${ANSWER_COMMAND} ${ticketId} <nội dung trả lời>”.`;
}

/** 0.4213 → "0,42" (Vietnamese decimal comma). */
function decimal(n: number): string {
  return n.toFixed(2).replace('.', ',');
}

/** 5 h 30 min → "5 giờ 30 phút"; 2 days 3 h → "2 ngày 3 giờ". */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days) return hours ? `${days} ngày ${hours} giờ` : `${days} ngày`;
  if (hours) return mins ? `${hours} giờ ${mins} phút` : `${hours} giờ`;
  return `${mins} phút`;
}

function clip(text: string, max: number): string {
  const flat = text.trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
