import type { Request, Response } from 'express';
import type { ConsoleDeps } from './context.js';
import { formatDateTime, html, type SafeHtml } from '../shared/html.js';
import { detailText, EVENT_LABELS, label } from './labels.js';
import { sendPage } from './layout.js';

export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'account.login': 'Đăng nhập',
  'account.logout': 'Đăng xuất',
  'account.bootstrap': 'Tạo tài khoản quản trị đầu tiên',
  'account.create': 'Tạo tài khoản',
  'account.lock': 'Khóa tài khoản',
  'account.unlock': 'Mở khóa tài khoản',
  'account.password': 'Đặt lại mật khẩu',
  'document.upload': 'Tải tài liệu lên',
  'document.publish': 'Nạp tài liệu vào kho',
  'document.discard': 'Hủy tệp đang chờ',
  'document.edit': 'Sửa tài liệu',
  'document.status': 'Đổi tình trạng tài liệu',
  'document.delete': 'Xóa tài liệu',
  'knowledge.reindex': 'Lập chỉ mục lại',
  'ticket.claim': 'Nhận xử lý phiếu',
  'ticket.answer': 'Trả lời phiếu',
  'ticket.close': 'Đóng phiếu',
  'ticket.approve': 'Duyệt câu trả lời mẫu',
  'curated.edit': 'Sửa câu trả lời mẫu',
  'curated.retire': 'Ngừng dùng câu trả lời mẫu',
  'curated.activate': 'Dùng lại câu trả lời mẫu',
  'user.update': 'Cập nhật người dùng',
  'export.tickets': 'Tải CSV phiếu hỏi',
  'export.questions': 'Tải CSV nhật ký câu hỏi',
};

function targetLink(target: string | undefined): SafeHtml | string {
  if (!target) return '';
  const ticket = /^ticket:(\d+)$/.exec(target);
  if (ticket) return html`<a href="/console/tickets/${ticket[1]}">Phiếu #${ticket[1]}</a>`;
  const doc = /^document:([a-z0-9-]+)$/.exec(target);
  if (doc) return html`<a href="/console/knowledge/doc/${doc[1]}">Tài liệu ${doc[1]}</a>`;
  const curated = /^curated:(\d+)$/.exec(target);
  if (curated) return html`<a href="/console/curated#c${curated[1]}">Câu trả lời mẫu #${curated[1]}</a>`;
  const named = /^(account|user|upload):(.+)$/.exec(target);
  if (named) return `${{ account: 'Tài khoản #', user: 'Người dùng #', upload: 'Tệp tải lên ' }[named[1] as 'account' | 'user' | 'upload']}${named[2]}`;
  return { knowledge: 'Kho tri thức', tickets: 'Phiếu hỏi', question_log: 'Nhật ký câu hỏi' }[target] ?? target;
}

/** The journal (admins only): console changes and ticket events, newest first. */
export function auditHandler(deps: ConsoleDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const lines = await deps.audit.journal(300);
    const users = new Map((await deps.app.stores.users.list()).map((u) => [`user:${u.id}`, u.displayName]));
    const actor = (a: string) => users.get(a) ?? (a === 'system' ? 'Hệ thống' : a.startsWith('asker:') ? 'Người hỏi' : a);
    await sendPage(req, res, {
      title: 'Nhật ký',
      nav: 'audit',
      body: html`<p class="muted">Mọi thay đổi thực hiện qua trang quản trị và diễn biến của các phiếu hỏi (300 dòng mới nhất). Nhật ký chỉ được ghi thêm, không sửa, không xóa.</p>
      <div class="table-wrap"><table class="responsive">
        <thead><tr><th>Thời gian</th><th>Nguồn</th><th>Người thực hiện</th><th>Việc</th><th>Đối tượng</th><th>Chi tiết</th></tr></thead>
        <tbody>${lines.map(
          (l) => html`<tr>
            <td data-label="Thời gian">${formatDateTime(l.at)}</td>
            <td data-label="Nguồn">${l.source === 'console' ? 'Trang quản trị' : 'Phiếu hỏi'}</td>
            <td data-label="Người thực hiện">${actor(l.actor)}</td>
            <td data-label="Việc">${l.source === 'console' ? label(AUDIT_ACTION_LABELS, l.action) : label(EVENT_LABELS, l.action)}</td>
            <td data-label="Đối tượng">${targetLink(l.target)}</td>
            <td data-label="Chi tiết"><small class="muted">${detailText(l.detail)}</small></td>
          </tr>`,
        )}</tbody>
      </table></div>`,
    });
  };
}
