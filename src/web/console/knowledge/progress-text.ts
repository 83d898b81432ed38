import { formatDateTime, type SafeHtml } from '../../shared/html.js';
import type { IndexProgress } from './index-jobs.js';

/** The line under the re-index progress bar (the list and review pages show it, the progress endpoint returns it). */
export function progressText(p: IndexProgress): SafeHtml | string {
  if (p.state === 'idle') return 'Chưa lập chỉ mục lại từ khi khởi động.';
  if (p.state === 'running') {
    if (p.scan) return `Đang nhận dạng chữ (OCR) trang ${p.scan.pagesDone}/${p.scan.pagesTotal}: ${p.scan.file}`;
    return p.phase === 'index' ? 'Đang dựng chỉ mục tìm kiếm…' : `Đang đọc tệp ${p.done}/${p.total}${p.file ? `: ${p.file}` : ''}`;
  }
  if (p.state === 'failed') return `Lập chỉ mục thất bại: ${p.error ?? ''}`;
  const r = p.report;
  return `Hoàn tất lúc ${formatDateTime(p.finishedAt)}: thêm ${r?.added.length ?? 0}, cập nhật ${r?.changed.length ?? 0}, xóa ${r?.removed.length ?? 0}, lỗi ${r?.failed.length ?? 0}.`;
}

