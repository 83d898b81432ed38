import express, { type Request, type Response, type Router } from 'express';
import { EscalationError } from '../../escalation/errors.js';
import { duration } from '../../escalation/messages.js';
import { TICKET_STATUSES, type CuratedAnswer, type Ticket, type TicketStatus, type User } from '../../escalation/types.js';
import { autoLinked } from '../../curation/sources.js';
import { flash, requireCsrf, requireRole } from './auth.js';
import { accountOf, type ConsoleDeps, field, idParam, queryParam } from './context.js';
import { formatDateTime, formatScore, html, type SafeHtml } from '../shared/html.js';
import { CHANNEL_LABELS, detailText, EVENT_LABELS, label, reasonText, TICKET_STATUS_LABELS } from './labels.js';
import { actionButton, csrfField, sendPage } from './layout.js';
import { escalationNote } from './escalation-note.js';
import { ticketTopicLabel, topicLabel } from '../../escalation/topic-labels.js';

const WAITING: readonly TicketStatus[] = ['open', 'assigned'];
const AGE_FILTERS: Record<string, { label: string; ms: number }> = {
  '1h': { label: 'Chờ hơn 1 giờ', ms: 3_600_000 },
  '4h': { label: 'Chờ hơn 4 giờ', ms: 4 * 3_600_000 },
  '1d': { label: 'Chờ hơn 1 ngày', ms: 86_400_000 },
  '3d': { label: 'Chờ hơn 3 ngày', ms: 3 * 86_400_000 },
  '7d': { label: 'Chờ hơn 7 ngày', ms: 7 * 86_400_000 },
};

/** "Người hỏi: name · commune · channel" as one line. */
export function askerText(ticket: Ticket): string {
  return [ticket.asker.displayName ?? '(chưa rõ tên)', ticket.asker.commune, label(CHANNEL_LABELS, ticket.asker.channel)].filter(Boolean).join(' · ');
}

/**
 * The expert inbox: tickets filtered by status, topic and age; a ticket page with the question, the asker,
 * what retrieval found and why it escalated, its events; claim, answer and close (experts and admins);
 * approve into a curated answer (admins). An expert sees only the tickets of their topics and those they
 * hold (the escalation service decides: `listTicketsFor`, `getTicketFor`); any other ticket is a 404, and
 * an action the service refuses as forbidden (a ticket another expert holds) is a 403.
 */
export function ticketsRouter(deps: ConsoleDeps): Router {
  const router = express.Router();
  const { app } = deps;

  const userNames = async (): Promise<Map<number, User>> => new Map((await app.stores.users.list()).map((u) => [u.id, u]));

  router.get('/', async (req, res) => {
    const statusParam = queryParam(req, 'status') || 'waiting';
    const topic = queryParam(req, 'topic');
    const age = queryParam(req, 'age');
    const statuses: readonly TicketStatus[] | undefined =
      statusParam === 'waiting' ? WAITING : (TICKET_STATUSES as readonly string[]).includes(statusParam) ? [statusParam as TicketStatus] : undefined;
    const now = deps.now().getTime();
    const account = accountOf(req);
    let tickets = await app.escalation.listTicketsFor(account.userId, { ...(statuses && { status: statuses }), ...(topic && { topic }) });
    const minAge = AGE_FILTERS[age]?.ms;
    if (minAge) tickets = tickets.filter((t) => now - Date.parse(t.createdAt) >= minAge);
    const topics = await app.escalation.ticketTopicsFor(account.userId);
    const users = await userNames();
    const overdueMs = app.config.assistant.ticketReminderMs;
    const isAdmin = account.role === 'admin';
    const option = (value: string, text: string, selected: string) => html`<option value="${value}"${value === selected ? html` selected` : ''}>${text}</option>`;
    await sendPage(req, res, {
      title: 'Phiếu hỏi',
      nav: 'tickets',
      body: html`<form method="get" action="/console/tickets" class="row card filters">
          <label>Trạng thái <select name="status">
            ${option('waiting', 'Đang chờ trả lời', statusParam)}
            ${option('all', 'Tất cả', statusParam)}
            ${TICKET_STATUSES.map((s) => option(s, TICKET_STATUS_LABELS[s], statusParam))}
          </select></label>
          <label>Lĩnh vực <select name="topic">
            ${option('', 'Tất cả', topic)}
            ${topics.map((t) => option(t, topicLabel(t), topic))}
          </select></label>
          <label>Thời gian chờ <select name="age">
            ${option('', 'Bất kỳ', age)}
            ${Object.entries(AGE_FILTERS).map(([k, v]) => option(k, v.label, age))}
          </select></label>
          <button type="submit">Lọc</button>
          ${isAdmin ? html`<a class="button secondary" href="/console/export/tickets.csv">Tải CSV</a>` : ''}
        </form>
        <p class="muted">${tickets.length} phiếu, cũ nhất trước.</p>
        <div class="table-wrap"><table class="tickets responsive">
          <thead><tr><th>Số</th><th>Câu hỏi</th><th>Người hỏi</th><th>Lĩnh vực</th><th>Lý do chuyển</th><th>Trạng thái</th><th>Thời gian chờ</th><th>Chuyên gia</th></tr></thead>
          <tbody>${tickets.map((t) => {
            const waited = (t.answeredAt ? Date.parse(t.answeredAt) : now) - Date.parse(t.createdAt);
            const overdue = WAITING.includes(t.status) && waited >= overdueMs;
            return html`<tr${overdue ? html` class="overdue"` : ''}>
              <td data-label="Số phiếu"><a href="/console/tickets/${t.id}">#${t.id}</a></td>
              <td data-label="Câu hỏi"><a href="/console/tickets/${t.id}">${clip(t.question, 140)}</a></td>
              <td data-label="Người hỏi">${askerText(t)}</td>
              <td data-label="Lĩnh vực">${ticketTopicLabel(t, '—')}</td>
              <td data-label="Lý do chuyển">${reasonText(t.reason)}</td>
              <td data-label="Trạng thái"><span class="status status-${t.status}">${label(TICKET_STATUS_LABELS, t.status)}</span>${overdue ? html` <span class="badge warn">Quá hạn</span>` : ''}</td>
              <td data-label="Thời gian chờ">${duration(waited)}</td>
              <td data-label="Chuyên gia">${t.expertId !== undefined ? (users.get(t.expertId)?.displayName ?? `#${t.expertId}`) : ''}</td>
            </tr>`;
          })}</tbody>
        </table></div>
        ${tickets.length === 0 ? html`<p>Không có phiếu nào phù hợp.</p>` : ''}`,
    });
  });

  router.get('/:id', async (req, res) => {
    const id = idParam(req);
    const account = accountOf(req);
    const ticket = id === undefined ? undefined : await app.escalation.getTicketFor(account.userId, id);
    if (!ticket) {
      await notFound(req, res);
      return;
    }
    const { mayAct, holder } = await app.escalation.permissionsFor(account.userId, ticket);
    const users = await userNames();
    const me = users.get(account.userId);
    const curated = await app.stores.curated.getBySourceTicket(ticket.id);
    const attachments = await app.escalation.attachmentsOf(ticket.id);
    const active = WAITING.includes(ticket.status);
    const actorName = (actor: string) => {
      const m = /^user:(\d+)$/.exec(actor);
      if (m) return users.get(Number(m[1]))?.displayName ?? actor;
      if (actor === 'system') return 'Hệ thống';
      if (actor.startsWith('asker:')) return 'Người hỏi';
      return actor;
    };
    await sendPage(req, res, {
      title: `Phiếu hỏi #${ticket.id}`,
      nav: 'tickets',
      body: html`
      <section class="card">
        <div class="question">${ticket.question}</div>
        <dl class="meta">
          <dt>Người hỏi</dt><dd>${askerText(ticket)}</dd>
          <dt>Trạng thái</dt><dd><span class="status status-${ticket.status}">${label(TICKET_STATUS_LABELS, ticket.status)}</span></dd>
          <dt>Lĩnh vực</dt><dd>${ticketTopicLabel(ticket)}</dd>
          <dt>Lý do chuyển</dt><dd>${reasonText(ticket.reason)}${ticket.confidence !== undefined ? ` (độ tin cậy ${formatScore(ticket.confidence, 2)})` : ''}</dd>
          <dt>Tạo lúc</dt><dd>${formatDateTime(ticket.createdAt)} — đã ${duration(deps.now().getTime() - Date.parse(ticket.createdAt))}</dd>
          <dt>Chuyên gia</dt><dd>${ticket.expertId !== undefined ? (users.get(ticket.expertId)?.displayName ?? `#${ticket.expertId}`) : 'Chưa có'}</dd>
        </dl>
      </section>
      ${attachments.length
        ? html`<section class="card attachments">
            <h2>Giấy tờ người hỏi gửi kèm</h2>
            ${attachments.map((a) =>
              a.mimeType.startsWith('image/')
                ? html`<figure><a href="/console/tickets/${ticket.id}/attachments/${a.id}"><img src="/console/tickets/${ticket.id}/attachments/${a.id}" alt="${a.fileName}" loading="lazy"></a><figcaption>${a.fileName}</figcaption></figure>`
                : html`<p><a href="/console/tickets/${ticket.id}/attachments/${a.id}">${a.fileName}</a></p>`,
            )}
            <p class="muted">Tệp được xóa khi phiếu đóng, hoặc sau thời hạn lưu giữ.</p>
          </section>`
        : ''}
      <h2>Hệ thống đã tìm thấy</h2>
      ${escalationNote(ticket)}
      ${ticket.context.length
        ? html`<div class="table-wrap"><table class="responsive scores">
            <thead><tr><th>Đoạn văn</th><th>Điểm tổng hợp</th><th>BM25F</th><th>Cosin</th></tr></thead>
            <tbody>${ticket.context.map(
              (c) => html`<tr><td data-label="Đoạn văn">${c.citation}</td><td class="num" data-label="Điểm tổng hợp">${formatScore(c.score)}</td><td class="num" data-label="BM25F">${formatScore(c.lexicalScore, 2)}</td><td class="num" data-label="Cosin">${formatScore(c.vectorSimilarity)}</td></tr>`,
            )}</tbody></table></div>`
        : html`<p class="muted">Không có đoạn văn nào.</p>`}
      ${ticket.answer
        ? html`<h2>Câu trả lời của chuyên gia</h2><div class="card answer">${ticket.answer}</div>
          <p class="muted">Trả lời lúc ${formatDateTime(ticket.answeredAt)}${ticket.relayedAt ? `, đã gửi người hỏi lúc ${formatDateTime(ticket.relayedAt)}` : ''}.</p>`
        : ''}
      ${holder && ticket.status !== 'closed'
        ? html`<p class="muted">Phiếu này đang do chuyên gia ${holder.displayName} phụ trách; chỉ người đó hoặc quản trị viên mới được trả lời hoặc đóng phiếu.</p>`
        : ''}
      ${active && mayAct
        ? html`<section class="card">
            <h2>Xử lý</h2>
            ${ticket.status === 'open' || ticket.expertId !== account.userId ? actionButton(req, `/console/tickets/${ticket.id}/claim`, 'Nhận xử lý phiếu này') : html`<p class="muted">Bạn đang xử lý phiếu này.</p>`}
            <form method="post" action="/console/tickets/${ticket.id}/answer">
              ${csrfField(req)}
              <label>Câu trả lời gửi người hỏi (ghi rõ căn cứ: văn bản, điều, khoản)
                <textarea name="answer" rows="8" required></textarea></label>
              <button type="submit">Gửi câu trả lời</button>
            </form>
          </section>`
        : ''}
      ${ticket.status !== 'closed' && mayAct
        ? html`<form method="post" action="/console/tickets/${ticket.id}/close" class="row spaced">
            ${csrfField(req)}
            <input name="note" placeholder="Ghi chú khi đóng (không bắt buộc)" aria-label="Ghi chú khi đóng">
            <button type="submit" class="secondary">Đóng phiếu</button>
          </form>`
        : ''}
      ${account.role === 'admin' && ticket.answer
        ? html`<section class="card">
            <h2>${curated ? 'Cập nhật câu trả lời mẫu' : 'Duyệt làm câu trả lời mẫu'}</h2>
            <p class="muted">Câu hỏi giống câu này về sau sẽ được trả lời ngay bằng nội dung đã duyệt.${curated ? html` Đang dùng: <a href="/console/curated#c${curated.id}">câu trả lời mẫu #${curated.id}</a> (${curated.hits} lượt dùng).` : ''}</p>
            <form method="post" action="/console/tickets/${ticket.id}/approve">
              ${csrfField(req)}
              <label>Nội dung được duyệt <textarea name="answer" rows="8" required>${curated?.answer ?? ticket.answer}</textarea></label>
              ${sourceChoice(ticket, curated)}
              <button type="submit">Duyệt</button>
            </form>
          </section>`
        : ''}
      <h2>Diễn biến</h2>
      <ol class="events">${ticket.events.map(
        (e) => html`<li><time>${formatDateTime(e.at)}</time> <strong>${label(EVENT_LABELS, e.action)}</strong> — ${actorName(e.actor)}
          ${Object.keys(e.detail).length ? html`<small class="muted">(${detailText(e.detail)})</small>` : ''}</li>`,
      )}</ol>
      ${me ? '' : html`<p class="flash flash-error">Tài khoản web của bạn chưa gắn với người dùng chuyên gia nào; hãy nhờ quản trị viên kiểm tra.</p>`}`,
    });
  });

  const act = (name: string, work: (req: Request, ticketId: number) => Promise<string>) =>
    async (req: Request, res: Response) => {
      const id = idParam(req);
      if (id === undefined) {
        res.redirect(303, '/console/tickets');
        return;
      }
      const account = accountOf(req);
      // A ticket the account may not see does not exist for it (as on the ticket page).
      if (!(await app.escalation.getTicketFor(account.userId, id))) {
        await notFound(req, res);
        return;
      }
      try {
        const message = await work(req, id);
        await deps.audit.record({ accountId: account.id, actor: account.email, action: `ticket.${name}`, target: `ticket:${id}` });
        await flash(deps, req, { kind: 'ok', text: message });
      } catch (error) {
        if (!(error instanceof EscalationError)) throw error;
        if (error.code === 'forbidden') {
          await sendPage(req, res, { title: 'Không được phép', nav: 'tickets', body: html`<p class="flash flash-error">${error.message}</p><p><a href="/console/tickets/${id}">Về phiếu #${id}</a></p>` }, 403);
          return;
        }
        await flash(deps, req, { kind: 'error', text: error.message });
      }
      res.redirect(303, `/console/tickets/${id}`);
    };

  // A ticket's file, only for those who may see the ticket (as its page); never cached, never run as a page.
  router.get('/:id/attachments/:attachmentId', async (req, res) => {
    const id = idParam(req);
    const attachmentId = Number(req.params['attachmentId']);
    const ticket = id === undefined ? undefined : await app.escalation.getTicketFor(accountOf(req).userId, id);
    const file = ticket && Number.isSafeInteger(attachmentId) ? (await app.escalation.attachmentsOf(ticket.id)).find((a) => a.id === attachmentId) : undefined;
    if (!file) {
      await notFound(req, res);
      return;
    }
    res
      .set({
        'Cache-Control': 'private, no-store',
        'Content-Disposition': `${file.mimeType.startsWith('image/') ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
        'Content-Security-Policy': "default-src 'none'; img-src 'self'; sandbox",
      })
      .type(file.mimeType)
      .send(Buffer.from(file.bytes));
  });

  router.post('/:id/claim', requireCsrf, act('claim', async (req, id) => {
    await app.escalation.claim(id, accountOf(req).userId);
    return `Bạn đã nhận xử lý phiếu #${id}.`;
  }));

  router.post('/:id/answer', requireCsrf, act('answer', async (req, id) => {
    await app.escalation.answer(id, accountOf(req).userId, field(req, 'answer'));
    return `Đã ghi câu trả lời cho phiếu #${id}; câu trả lời đang được gửi tới người hỏi.`;
  }));

  router.post('/:id/close', requireCsrf, act('close', async (req, id) => {
    await app.escalation.close(id, accountOf(req).userId, field(req, 'note') || undefined);
    return `Đã đóng phiếu #${id}.`;
  }));

  router.post('/:id/approve', requireRole('admin'), requireCsrf, act('approve', async (req, id) => {
    const ticket = await app.escalation.getTicketFor(accountOf(req).userId, id);
    const edited = field(req, 'answer');
    // The passages ticked on the form; a form without the choice (older page, CLI-like posts) links them itself.
    const sourceIds = field(req, 'sources_form') ? fields(req, 'source') : undefined;
    const curated = await app.escalation.approve(id, accountOf(req).userId, edited && edited !== ticket?.answer ? edited : undefined, sourceIds ? { sourceIds } : {});
    return `Đã duyệt câu trả lời của phiếu #${id} thành câu trả lời mẫu #${curated.id}.`;
  }));

  return router;
}

/**
 * The passages the approved answer rests on, ticked among the ticket's retrieved passages: those of the
 * curated answer already approved, or else the ones linked automatically. When a text ticked here changes,
 * the curated answer is held back until an admin reviews it ("Ảnh hưởng của thay đổi").
 */
function sourceChoice(ticket: Ticket, curated: CuratedAnswer | undefined): SafeHtml {
  if (ticket.context.length === 0) return html`<input type="hidden" name="sources_form" value="1">`;
  const ticked = new Set(curated?.sources ? curated.sources.map((s) => s.passageId) : autoLinked(ticket));
  return html`<fieldset class="sources">
    <legend>Câu trả lời dựa trên đoạn văn (khi đoạn văn thay đổi, câu trả lời mẫu sẽ được đánh dấu cần xem lại)</legend>
    <input type="hidden" name="sources_form" value="1">
    ${ticket.context.map(
      (c) => html`<label class="check"><input type="checkbox" name="source" value="${c.id}"${ticked.has(c.id) ? html` checked` : ''}> ${c.citation}</label>`,
    )}
  </fieldset>`;
}

/** Every value of a repeated form field (checkboxes), trimmed, empty ones left out. */
function fields(req: Request, name: string): string[] {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter(Boolean);
}

function notFound(req: Request, res: Response): Promise<void> {
  return sendPage(req, res, { title: 'Không tìm thấy phiếu', nav: 'tickets', body: html`<p><a href="/console/tickets">Về danh sách phiếu</a></p>` }, 404);
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
