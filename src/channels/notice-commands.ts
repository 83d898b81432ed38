import type { UserStore } from '../escalation/stores.js';
import { setNoticesOff } from '../notices/opt-out.js';

/** `/tatthongbao` turns the province's notices off, `/batthongbao` back on. */
export type NoticeCommand = { kind: 'notices'; off: boolean };

/** Parses `/tatthongbao` and `/batthongbao` (any case, with a Telegram `@botname` suffix, nothing after). */
export function parseNoticeCommand(text: string): NoticeCommand | undefined {
  const match = /^\/(tatthongbao|batthongbao)(?:@\w+)?\s*$/iu.exec(text.trim());
  if (!match) return undefined;
  return { kind: 'notices', off: match[1]!.toLowerCase() === 'tatthongbao' };
}

const NOT_REGISTERED =
  'Tài khoản này chưa được đăng ký với Trợ lý Xã nên không nhận thông báo nào. Nếu bạn là cán bộ xã, hãy liên hệ quản trị viên để được đăng ký.';

/**
 * Carries out the command for the sender (identified by the platform's sender id, never by the text) and
 * returns the Vietnamese reply.
 */
export async function runNoticeCommand(
  command: NoticeCommand,
  who: { channel: string; userId: string },
  users: Pick<UserStore, 'findByChannelUser' | 'update'>,
  now: Date = new Date(),
): Promise<string> {
  const result = await setNoticesOff(users, who, command.off, now.toISOString());
  if (result === 'unknown') return NOT_REGISTERED;
  if (command.off) {
    return result === 'changed'
      ? 'Đã tắt nhận thông báo của tỉnh qua Trợ lý Xã. Bạn vẫn hỏi đáp bình thường; gõ /batthongbao để nhận lại.'
      : 'Bạn đang tắt nhận thông báo. Gõ /batthongbao để nhận lại.';
  }
  return result === 'changed'
    ? 'Đã bật lại nhận thông báo của tỉnh qua Trợ lý Xã. Gõ /tatthongbao nếu muốn tắt.'
    : 'Bạn đang nhận thông báo của tỉnh. Gõ /tatthongbao nếu muốn tắt.';
}
