import type { Request } from 'express';
import type { DeliveryReport, ReportedDelivery, Tally } from '../../notices/delivery-report.js';
import { tally } from '../../notices/delivery-report.js';
import type { BroadcastWithCounts } from '../../storage/broadcasts.js';
import { formatDateTime, html, type SafeHtml } from '../shared/html.js';
import { CHANNEL_LABELS, label } from './labels.js';

/*
 * The delivery reports of notices and follow-ups, as the console shows them: the totals (sent, failed,
 * pending), a line per channel, and each recipient with the state of their message.
 */

function badges(t: Tally): SafeHtml {
  return html`<span class="badge ok">Đã gửi ${t.sent}</span>
    <span class="badge warn">Đang chờ ${t.pending}</span>
    <span class="badge${t.failed ? ' bad' : ''}">Không gửi được ${t.failed}</span>`;
}

function stateText(d: ReportedDelivery): SafeHtml {
  if (d.state === 'sent') return html`<span class="status status-relayed">Đã gửi</span>${d.sentAt ? html`<br><small class="muted">${formatDateTime(d.sentAt)}</small>` : ''}`;
  if (d.state === 'failed') return html`<span class="status status-open">Không gửi được</span>`;
  if (d.waiting) return html`<span class="status status-assigned">Chờ người nhận nhắn tin</span><br><small class="muted">Zalo OA chỉ cho gửi trong 48 giờ sau tin nhắn cuối của họ; tin sẽ đi khi họ nhắn lại.</small>`;
  return html`<span class="status status-assigned">Đang chờ gửi</span>${d.attempts ? html`<br><small class="muted">đã thử ${d.attempts} lần</small>` : ''}`;
}

/** A report's totals, per-channel tallies and recipients. */
export function reportHtml(report: DeliveryReport, extra: (d: ReportedDelivery) => SafeHtml | string = () => ''): SafeHtml {
  return html`<section class="card report" aria-label="Kết quả gửi">
      <h2>Kết quả gửi: ${report.deliveries.length} người nhận</h2>
      <p class="report-totals">${badges(report.total)}</p>
      <div class="table-wrap"><table class="responsive">
        <thead><tr><th>Kênh</th><th>Đã gửi</th><th>Đang chờ</th><th>Không gửi được</th></tr></thead>
        <tbody>${report.byChannel.map(
          (c) => html`<tr data-channel="${c.channel}"><td data-label="Kênh">${label(CHANNEL_LABELS, c.channel)}</td><td data-label="Đã gửi">${c.sent}</td><td data-label="Đang chờ">${c.pending}</td><td data-label="Không gửi được">${c.failed}</td></tr>`,
        )}</tbody>
      </table></div>
    </section>
    <h2>Người nhận</h2>
    <div class="table-wrap"><table class="responsive recipients">
      <thead><tr><th>Người nhận</th><th>Kênh</th><th>Trạng thái</th><th>Ghi chú</th></tr></thead>
      <tbody>${report.deliveries.map(
        (d) => html`<tr data-state="${d.state}">
          <td data-label="Người nhận"><strong>${d.displayName}</strong>${d.commune ? html`<br><small>${d.commune}</small>` : ''}${extra(d)}</td>
          <td data-label="Kênh">${label(CHANNEL_LABELS, d.channel)}</td>
          <td data-label="Trạng thái">${stateText(d)}</td>
          <td data-label="Ghi chú">${d.lastError ? html`<small class="muted">${d.lastError}</small>` : ''}</td>
        </tr>`,
      )}</tbody>
    </table></div>`;
}

/** The list of sent notices or follow-ups, each with its totals and a link to its report. */
export function broadcastListHtml(items: readonly BroadcastWithCounts[], href: (id: number) => string, empty: string): SafeHtml {
  if (items.length === 0) return html`<p class="muted">${empty}</p>`;
  return html`<div class="table-wrap"><table class="responsive broadcasts">
    <thead><tr><th>Gửi lúc</th><th>Nội dung</th><th>Người gửi</th><th>Kết quả</th></tr></thead>
    <tbody>${items.map((b) => {
      const { total } = tally(b.counts);
      return html`<tr>
        <td data-label="Gửi lúc">${formatDateTime(b.createdAt)}</td>
        <td data-label="Nội dung"><a href="${href(b.id)}">${b.title}</a></td>
        <td data-label="Người gửi">${b.author}</td>
        <td data-label="Kết quả">${badges(total)}</td>
      </tr>`;
    })}</tbody>
  </table></div>`;
}

/** Every value of a form field (checkboxes, repeated hidden fields), trimmed, NFC, empty ones dropped. */
export function fieldValues(req: Request, name: string): string[] {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string').map((v) => v.normalize('NFC').trim()).filter(Boolean);
}
