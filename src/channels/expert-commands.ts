import { EscalationError } from '../escalation/errors.js';
import type { EscalationService } from '../escalation/escalation-service.js';
import type { UserStore } from '../escalation/stores.js';

/** An expert or admin action typed in a chat. */
export type ExpertCommand =
  | { kind: 'claim'; ticketId: number }
  | { kind: 'answer'; ticketId: number; text: string }
  | { kind: 'approve'; ticketId: number; editedAnswer?: string };

/**
 * Parses `/nhan <mã>`, `/traloi <mã> <nội dung>` and `/duyet <mã> [câu trả lời đã sửa]` (also with a
 * leading `#` on the ticket number and a Telegram `@botname` suffix). Returns undefined for anything else.
 */
export function parseExpertCommand(text: string): ExpertCommand | undefined {
  const match = /^\/(nhan|traloi|duyet)(?:@\w+)?\s+#?(\d+)\s*([\s\S]*)$/iu.exec(text.trim());
  if (!match) return undefined;
  const ticketId = Number(match[2]);
  const rest = match[3]!.trim();
  switch (match[1]!.toLowerCase()) {
    case 'nhan':
      return { kind: 'claim', ticketId };
    case 'traloi':
      return { kind: 'answer', ticketId, text: rest };
    default:
      return rest ? { kind: 'approve', ticketId, editedAnswer: rest } : { kind: 'approve', ticketId };
  }
}

/**
 * Carries out an expert command for the person (channel, channel user id) who typed it, and returns the
 * Vietnamese reply for them. Identity comes from the platform's sender id, never from the message text,
 * so a forged chat id cannot act for an expert.
 */
export async function runExpertCommand(
  command: ExpertCommand,
  who: { channel: string; userId: string },
  deps: { escalation: EscalationService; users: UserStore },
): Promise<string> {
  const user = await deps.users.findByChannelUser(who.channel, who.userId);
  if (!user || !user.active) return 'Bạn chưa được đăng ký là chuyên gia hoặc quản trị viên của Trợ lý Xã.';
  try {
    switch (command.kind) {
      case 'claim':
        await deps.escalation.claim(command.ticketId, user.id);
        return `Bạn đã nhận xử lý phiếu #${command.ticketId}. Trả lời bằng: /traloi ${command.ticketId} <nội dung>`;
      case 'answer':
        if (!command.text) return `Hãy gõ nội dung trả lời sau mã phiếu, ví dụ: /traloi ${command.ticketId} Hồ sơ gồm …`;
        await deps.escalation.answer(command.ticketId, user.id, command.text);
        return `Đã ghi nhận câu trả lời cho phiếu #${command.ticketId}; câu trả lời đang được gửi tới người hỏi.`;
      case 'approve':
        await deps.escalation.approve(command.ticketId, user.id, command.editedAnswer);
        return `Đã duyệt câu trả lời của phiếu #${command.ticketId} vào kho câu trả lời mẫu.`;
    }
  } catch (error) {
    if (error instanceof EscalationError) return error.message;
    throw error;
  }
}
