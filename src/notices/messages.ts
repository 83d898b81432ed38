/*
 * The Vietnamese texts of notices and follow-ups. Plain text (every channel sends it as it is; a long one is
 * split at the platform's limit by the channel).
 */

/** What the recipient can do to stop notices, by channel: a command in the messengers, a switch in the web chat. */
function optOutHint(channel: string): string {
  return channel === 'web'
    ? '(Không muốn nhận thông báo? Bấm “Tắt nhận thông báo” ở cuối trang hỏi đáp.)'
    : '(Không muốn nhận thông báo? Gõ /tatthongbao; gõ /batthongbao để nhận lại.)';
}

/** A notice as its recipients read it; its first line is the title (shown in bold on Telegram). */
export function noticeText(title: string, body: string, channel: string): string {
  return [`📢 Thông báo: ${title}`, body, '', optOutHint(channel)].join('\n');
}

/** One answer a follow-up is about. */
export interface FollowUpLine {
  /** When the question was asked (ISO). */
  askedAt: string;
  question: string;
  /** The new content for this answer, when it has its own. */
  newContent?: string;
}

const QUESTION_CHARS = 160;

/**
 * "Câu trả lời ngày … về … đã thay đổi do … Nội dung mới: …" — one message for all the answers one asker
 * was given: each answer is named by its day and question; the new content is given once when they share
 * it, else after each.
 */
export function followUpText(lines: readonly FollowUpLine[], reason: string, newContent: string): string {
  const why = reason.trim().replace(/[.。]+$/u, '');
  const contents = lines.map((l) => l.newContent?.trim() || newContent.trim());
  const shared = contents.every((c) => c === contents[0]);
  const about = (l: FollowUpLine) => `ngày ${vietnameseDay(l.askedAt)} về “${clip(l.question, QUESTION_CHARS)}”`;
  if (lines.length === 1) return `Câu trả lời ${about(lines[0]!)} đã thay đổi do ${why}. Nội dung mới: ${contents[0]}`;
  if (shared) return [`Các câu trả lời ${lines.map(about).join('; ')} đã thay đổi do ${why}.`, `Nội dung mới: ${contents[0]}`].join('\n');
  return [`Các câu trả lời sau đã thay đổi do ${why}:`, ...lines.map((l, i) => `- Câu trả lời ${about(l)}. Nội dung mới: ${contents[i]}`)].join('\n');
}

const VN_DAY = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' });

/** An instant as the Vietnamese day it fell on, `DD/MM/YYYY`. */
export function vietnameseDay(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = Object.fromEntries(VN_DAY.formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month}/${parts.year}`;
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
