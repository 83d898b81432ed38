import { reasonLabel } from '../../escalation/messages.js';
import type { EscalationReason, Role, TicketStatus } from '../../escalation/types.js';
import { topicLabel } from '../../escalation/topic-labels.js';

/** Vietnamese names of the values the console shows. Unknown values are shown as they are. */

export const TICKET_STATUS_LABELS: Record<TicketStatus, string> = {
  open: 'Mới',
  assigned: 'Đang xử lý',
  answered: 'Đã trả lời',
  relay_pending: 'Chờ gửi lại',
  relayed: 'Đã gửi người hỏi',
  closed: 'Đã đóng',
};

export const STAGE_LABELS: Record<string, string> = {
  curated: 'Câu trả lời mẫu',
  retrieval: 'Tra cứu tài liệu',
  escalated: 'Chuyển chuyên gia',
  smalltalk: 'Trò chuyện',
  refused: 'Từ chối',
};

export const CHANNEL_LABELS: Record<string, string> = {
  telegram: 'Telegram',
  zalo: 'Zalo',
  'zalo-bot': 'Zalo Bot',
  'zalo-oa': 'Zalo OA',
  web: 'Trang web',
  cli: 'Dòng lệnh',
};

export const ROLE_LABELS: Record<Role, string> = { official: 'Cán bộ xã', expert: 'Chuyên gia', admin: 'Quản trị viên' };

export const DOCUMENT_STATUS_LABELS: Record<string, string> = {
  in_force: 'Còn hiệu lực',
  superseded: 'Đã bị thay thế',
  partly_superseded: 'Bị thay thế một phần',
  draft: 'Bản nháp',
  unknown: 'Chưa rõ',
};

export const EVENT_LABELS: Record<string, string> = {
  created: 'Tạo phiếu',
  notified: 'Báo chuyên gia',
  notified_admins: 'Chưa có chuyên gia phụ trách — báo quản trị viên',
  not_notified: 'Chưa có chuyên gia phụ trách, không báo được ai qua tin nhắn — phiếu chờ quản trị viên xem tại đây',
  assigned: 'Nhận xử lý',
  answered: 'Trả lời',
  relayed: 'Đã gửi người hỏi',
  notify_failed: 'Báo chuyên gia thất bại',
  relay_failed: 'Gửi người hỏi thất bại',
  relay_requeued: 'Gửi lại câu trả lời',
  reminded: 'Nhắc việc',
  closed: 'Đóng phiếu',
  approved: 'Duyệt làm câu trả lời mẫu',
};

/** Why a ticket went to the admins (or to nobody). */
export const UNROUTED_CAUSE_LABELS: Record<string, string> = {
  no_topic: 'chưa xác định được lĩnh vực',
  no_expert: 'lĩnh vực chưa có chuyên gia nào được giao',
};

export const FEEDBACK_LABELS: Record<string, string> = { helpful: 'Hữu ích', unhelpful: 'Chưa hữu ích', expert: 'Hỏi chuyên gia' };

export function label(map: Record<string, string>, key: string | undefined): string {
  if (key === undefined) return '';
  return map[key] ?? key;
}

export function reasonText(reason: string): string {
  return reasonLabel(reason as EscalationReason);
}

const DETAIL_LABELS: Record<string, string> = {
  reason: 'lý do',
  topic: 'lĩnh vực',
  confidence: 'độ tin cậy',
  experts: 'chuyên gia được báo',
  admins: 'quản trị viên được báo',
  recipients: 'người được báo',
  cause: 'vì',
  topicMatched: 'đúng lĩnh vực',
  expertId: 'chuyên gia',
  previousExpertId: 'chuyên gia trước',
  chars: 'số ký tự',
  outboxId: 'mã tin nhắn',
  attempts: 'số lần gửi',
  curatedAnswerId: 'câu trả lời mẫu',
  edited: 'có sửa',
  note: 'ghi chú',
  previousStatus: 'trạng thái trước',
  error: 'lỗi',
  retryable: 'thử lại được',
  kind: 'loại',
  channel: 'kênh',
  chatId: 'cuộc trò chuyện',
  trigger: 'nguyên nhân',
  waitedMs: 'đã chờ (ms)',
  email: 'thư điện tử',
  role: 'quyền',
  userId: 'người dùng',
  file: 'tệp',
  files: 'các tệp',
  sidecar: 'tệp thông tin',
  original: 'tên tệp gốc',
  bytes: 'dung lượng (byte)',
  from: 'từ',
  to: 'đến',
  supersededBy: 'bị thay thế bởi',
  title: 'tiêu đề',
  name: 'tên',
  topics: 'lĩnh vực',
  approved: 'đã duyệt',
  active: 'hoạt động',
  rows: 'số dòng',
  sources: 'căn cứ (đoạn văn)',
};

/** An event's or audit entry's detail as one Vietnamese line: "lý do: …; độ tin cậy: 0,42". */
export function detailText(detail: Record<string, unknown>): string {
  const value = (key: string, v: unknown): string => {
    if (v === null || v === undefined || v === '') return '—';
    if (typeof v === 'boolean') return v ? 'có' : 'không';
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2).replace('.', ',');
    if (Array.isArray(v)) return v.length ? v.map((x) => value(key, x)).join(', ') : '—';
    if (typeof v === 'string') {
      if (key === 'reason') return reasonText(v);
      if (key === 'previousStatus') return label(TICKET_STATUS_LABELS, v);
      if (key === 'role') return label({ ...ROLE_LABELS }, v);
      if (key === 'channel') return label(CHANNEL_LABELS, v);
      if (key === 'cause') return label(UNROUTED_CAUSE_LABELS, v);
      if (key === 'topic' || key === 'topics') return topicLabel(v);
      return v;
    }
    return JSON.stringify(v);
  };
  return Object.entries(detail)
    .map(([k, v]) => `${DETAIL_LABELS[k] ?? k}: ${value(k, v)}`)
    .join('; ');
}
