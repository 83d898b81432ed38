import express, { type Router } from 'express';
import { DEFAULT_IMPACT_DAYS, groupByQuestion, type AffectedAnswer, type AffectedCurated, type ChangedDocument, type ImpactService } from '../../curation/impact.js';
import { SOURCE_CHANGE_LABELS, type SourceChange } from '../../knowledge/provenance.js';
import { formatDateTime, html, type SafeHtml } from '../shared/html.js';
import { flash, requireCsrf } from './auth.js';
import { accountOf, type ConsoleDeps, idParam, queryParam } from './context.js';
import { CHANNEL_LABELS, DOCUMENT_STATUS_LABELS, label } from './labels.js';
import { actionButton, sendPage } from './layout.js';

/** The windows an admin can pick, in days. */
const WINDOWS = [30, 90, 180, 365];

/**
 * "Ảnh hưởng của thay đổi" (admins): after an ingest changed, removed or superseded documents, the
 * curated answers resting on changed passages ("cần xem lại": not served verbatim until re-approved or
 * edited) and the answers given in the last days that used them, grouped by question.
 */
export function impactRouter(deps: ConsoleDeps, impact: ImpactService): Router {
  const router = express.Router();

  router.get('/', async (req, res) => {
    const asked = Number(queryParam(req, 'days'));
    const days = WINDOWS.includes(asked) ? asked : DEFAULT_IMPACT_DAYS;
    const report = await impact.compute({ days });
    const groups = groupByQuestion(report.answers);
    await sendPage(req, res, {
      title: 'Ảnh hưởng của thay đổi',
      nav: 'impact',
      body: html`<p class="muted">Khi văn bản trong kho tri thức được sửa, gỡ bỏ hoặc bị thay thế, các câu trả lời dựa trên đoạn văn đã đổi được liệt kê ở đây.
          Câu trả lời mẫu <strong>cần xem lại</strong> không được gửi nguyên văn cho người hỏi cho tới khi quản trị viên duyệt lại hoặc sửa;
          trong lúc chờ, trợ lý trả lời theo văn bản hiện hành và báo rằng câu trả lời của chuyên gia đang được xem lại.</p>
        <form method="get" action="/console/impact" class="row filters spaced">
          <label>Câu trả lời đã gửi trong
            <select name="days">${WINDOWS.map((d) => html`<option value="${String(d)}"${d === days ? html` selected` : ''}>${String(d)} ngày qua</option>`)}</select></label>
          <button type="submit" class="secondary">Xem</button>
        </form>
        <div class="kpis impact-kpis">
          <div class="kpi"><span>Văn bản đã thay đổi</span><strong>${String(report.changedDocuments.length)}</strong></div>
          <div class="kpi${report.curated.length ? ' warn' : ''}"><span>Câu trả lời mẫu cần xem lại</span><strong>${String(report.curated.length)}</strong></div>
          <div class="kpi"><span>Câu trả lời đã gửi bị ảnh hưởng</span><strong>${String(report.answers.length)}</strong><small>${String(groups.length)} câu hỏi</small></div>
        </div>
        <h2>Văn bản đã thay đổi</h2>
        ${report.changedDocuments.length === 0
          ? html`<p class="muted">Không có văn bản nào được sửa, gỡ hoặc thay thế trong ${String(days)} ngày qua.</p>`
          : html`<div class="table-wrap"><table class="responsive changed-docs">
              <thead><tr><th>Văn bản</th><th>Thay đổi</th><th>Lúc</th></tr></thead>
              <tbody>${report.changedDocuments.map(documentRow)}</tbody></table></div>`}
        <h2>Câu trả lời mẫu cần xem lại</h2>
        ${report.curated.length === 0
          ? html`<p class="muted">Không có câu trả lời mẫu nào cần xem lại.</p>`
          : report.curated.map((c) => curatedCard(req, c))}
        <h2>Câu trả lời đã gửi trong ${String(days)} ngày qua</h2>
        ${groups.length === 0
          ? html`<p class="muted">Không có câu trả lời nào dựa trên đoạn văn đã thay đổi.</p>`
          : html`<p><a class="button" href="${followUpsLink(report.answers)}">Báo cho tất cả người đã hỏi</a></p>`}
        ${groups.length === 0
          ? ''
          : groups.map(
              (g) => html`<section class="card impact-group">
                <h3 class="question">${g.question} <span class="badge">${String(g.answers.length)} lần</span></h3>
                <p><a class="button secondary" href="${followUpsLink(g.answers)}">Báo cho người đã hỏi câu này</a></p>
                <div class="table-wrap"><table class="responsive compact">
                  <thead><tr><th>Lúc</th><th>Kênh</th><th>Người hỏi</th><th>Đoạn văn đã thay đổi</th></tr></thead>
                  <tbody>${g.answers.map(answerRow)}</tbody></table></div>
              </section>`,
            )}`,
    });
  });

  router.post('/curated/:id/reapprove', requireCsrf, async (req, res) => {
    const id = idParam(req);
    const account = accountOf(req);
    const sources = id === undefined ? undefined : await impact.reapprove(id, account.userId);
    if (id !== undefined && sources) {
      await deps.audit.record({ accountId: account.id, actor: account.email, action: 'curated.reapprove', target: `curated:${id}`, detail: { sources: sources.map((s) => s.passageId) } });
      await flash(deps, req, { kind: 'ok', text: `Đã duyệt lại câu trả lời mẫu #${id}: câu trả lời được dùng lại, dựa trên văn bản hiện hành.` });
    } else {
      await flash(deps, req, { kind: 'error', text: 'Không tìm thấy câu trả lời mẫu này.' });
    }
    res.redirect(303, '/console/impact');
  });

  return router;
}

function documentRow(doc: ChangedDocument): SafeHtml {
  const last = doc.changes.at(-1);
  return html`<tr id="doc-${doc.id}">
    <td data-label="Văn bản"><a href="/console/knowledge/doc/${encodeURIComponent(doc.id)}">${doc.title}</a><br><small class="mono">${doc.id}</small></td>
    <td data-label="Thay đổi">${last ? changeText(doc) : 'Hết hiệu lực'}</td>
    <td data-label="Lúc">${last ? formatDateTime(last.at) : ''}</td>
  </tr>`;
}

function changeText(doc: ChangedDocument): string {
  const last = doc.changes.at(-1)!;
  if (last.kind === 'removed') return 'Đã gỡ khỏi kho tri thức';
  const times = doc.changes.length > 1 ? ` (${doc.changes.length} lần)` : '';
  const status =
    last.oldStatus && last.newStatus && last.oldStatus !== last.newStatus
      ? `; hiệu lực: ${label(DOCUMENT_STATUS_LABELS, last.oldStatus)} → ${label(DOCUMENT_STATUS_LABELS, last.newStatus)}`
      : '';
  return `Đã sửa nội dung${times}${status}`;
}

function curatedCard(req: express.Request, c: AffectedCurated): SafeHtml {
  return html`<section class="card curated-review" id="c${String(c.id)}">
    <h3>#${String(c.id)} <span class="badge warn">Cần xem lại</span></h3>
    <div class="question">${c.question}</div>
    <p class="muted">Duyệt lần cuối lúc ${formatDateTime(c.approvedAt)}${c.sourceTicketId !== undefined ? html`, từ <a href="/console/tickets/${String(c.sourceTicketId)}">phiếu #${String(c.sourceTicketId)}</a>` : ''}. Căn cứ đã thay đổi:</p>
    ${changeList(c.changes)}
    <div class="actions">
      ${actionButton(req, `/console/impact/curated/${c.id}/reapprove`, 'Duyệt lại', { className: '', confirm: 'Duyệt lại câu trả lời mẫu này theo văn bản hiện hành?' })}
      <a class="button secondary" href="/console/curated#c${String(c.id)}">Sửa câu trả lời</a>
      ${actionButton(req, `/console/curated/${c.id}/retire`, 'Ngừng dùng', { confirm: 'Ngừng dùng câu trả lời mẫu này?' })}
    </div>
  </section>`;
}

function answerRow(a: AffectedAnswer): SafeHtml {
  const who = [a.asker.displayName, a.asker.commune].filter(Boolean).join(', ') || a.asker.userId;
  return html`<tr data-answer="${String(a.id)}">
    <td data-label="Lúc">${formatDateTime(a.askedAt)}</td>
    <td data-label="Kênh">${label(CHANNEL_LABELS, a.channel)}${a.curatedId !== undefined ? html` <small class="muted">(câu trả lời mẫu #${String(a.curatedId)})</small>` : ''}</td>
    <td data-label="Người hỏi">${who}</td>
    <td data-label="Đoạn văn đã thay đổi">${changeList(a.changes)}</td>
  </tr>`;
}

function changeList(changes: readonly SourceChange[]): SafeHtml {
  return html`<ul class="changes">${changes.map(
    (ch) => html`<li><strong>${ch.source.citation}</strong> — ${SOURCE_CHANGE_LABELS[ch.kind]}${ch.replacedBy ? ` (thay bằng ${ch.replacedBy})` : ''}</li>`,
  )}</ul>`;
}

/** The follow-up page (notices) with these answers ticked: from there the admin writes what changed and sends. */
function followUpsLink(answers: readonly Pick<AffectedAnswer, 'id'>[]): string {
  return `/console/follow-ups?answers=${answers.map((a) => String(a.id)).join(',')}`;
}
