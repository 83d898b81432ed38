import express, { type Router } from 'express';
import { flash, requireCsrf } from './auth.js';
import { accountOf, type ConsoleDeps, field, idParam } from './context.js';
import { formatDateTime, html, type SafeHtml } from '../shared/html.js';
import { actionButton, csrfField, sendPage } from './layout.js';
import { TOPIC_LABELS, topicLabel } from '../../escalation/topic-labels.js';
import { SOURCE_CHANGE_LABELS } from '../../knowledge/provenance.js';

/** A drop-down of topics by their Vietnamese names (the value stays the slug), with the current one kept. */
function topicSelect(current: string | undefined): SafeHtml {
  const slugs = [...new Set([...Object.keys(TOPIC_LABELS), ...(current ? [current] : [])])].sort((a, b) => topicLabel(a).localeCompare(topicLabel(b), 'vi'));
  return html`<select name="topic">
    <option value=""${current ? '' : html` selected`}>(Chưa xếp lĩnh vực)</option>
    ${slugs.map((slug) => html`<option value="${slug}"${slug === current ? html` selected` : ''}>${topicLabel(slug)}</option>`)}
  </select>`;
}

/** Curated answers (admins only): list with hit counts, edit, retire and reactivate. */
export function curatedRouter(deps: ConsoleDeps): Router {
  const router = express.Router();
  const admin = deps.app.stores.curated;

  router.get('/', async (req, res) => {
    const answers = await admin.listAll();
    const reviews = await deps.impact.reviewsOf(answers.filter((a) => a.active));
    const users = new Map((await deps.app.stores.users.list()).map((u) => [u.id, u.displayName]));
    await sendPage(req, res, {
      title: 'Câu trả lời mẫu',
      nav: 'curated',
      body: html`<p class="muted">Câu trả lời của chuyên gia đã được quản trị viên duyệt. Câu hỏi mới đủ giống sẽ được trả lời ngay bằng nội dung này, trước khi tra cứu tài liệu.</p>
        ${answers.length === 0 ? html`<p>Chưa có câu trả lời mẫu nào. Hãy duyệt câu trả lời từ trang phiếu hỏi.</p>` : ''}
        ${answers.map(
          (a) => html`<section class="card curated${a.active ? '' : ' retired'}" id="c${a.id}">
            <h2>#${a.id} ${a.active ? html`<span class="badge ok">Đang dùng</span>` : html`<span class="badge">Đã ngừng dùng</span>`}
              ${reviews.has(a.id) ? html`<span class="badge warn">Cần xem lại</span>` : ''}
              <span class="badge">${a.hits} lượt dùng</span>${a.topic ? html` <span class="badge topic">${topicLabel(a.topic)}</span>` : ''}</h2>
            <p class="muted">${a.sourceTicketId !== undefined ? html`Từ <a href="/console/tickets/${a.sourceTicketId}">phiếu #${a.sourceTicketId}</a>, ` : ''}chuyên gia ${a.expertId !== undefined ? (users.get(a.expertId) ?? `#${a.expertId}`) : 'không rõ'};
              duyệt bởi ${a.approvedBy !== undefined ? (users.get(a.approvedBy) ?? `#${a.approvedBy}`) : 'không rõ'} lúc ${formatDateTime(a.approvedAt)}; sửa lần cuối ${formatDateTime(a.updatedAt)}.</p>
            <p class="muted">Căn cứ: ${a.sources?.length ? a.sources.map((s, i) => html`${i ? '; ' : ''}${s.citation}`) : 'chưa gắn đoạn văn nào (câu trả lời sẽ không được đánh dấu khi văn bản thay đổi)'}</p>
            ${reviews.has(a.id)
              ? html`<p class="flash flash-error">Văn bản làm căn cứ đã thay đổi: ${reviews.get(a.id)!.map((c, i) => html`${i ? '; ' : ''}${c.source.citation} — ${SOURCE_CHANGE_LABELS[c.kind]}`)}.
                  Câu trả lời này không được gửi nguyên văn cho tới khi được sửa (Lưu) hoặc <a href="/console/impact#c${a.id}">duyệt lại</a>.</p>`
              : ''}
            <form method="post" action="/console/curated/${a.id}">
              ${csrfField(req)}
              <label>Câu hỏi <textarea name="question" rows="2" required>${a.question}</textarea></label>
              <label>Câu trả lời <textarea name="answer" rows="6" required>${a.answer}</textarea></label>
              <label>Lĩnh vực ${topicSelect(a.topic)}</label>
              <button type="submit">Lưu</button>
            </form>
            ${a.active
              ? actionButton(req, `/console/curated/${a.id}/retire`, 'Ngừng dùng', { confirm: 'Ngừng dùng câu trả lời mẫu này?' })
              : actionButton(req, `/console/curated/${a.id}/activate`, 'Dùng lại')}
          </section>`,
        )}`,
    });
  });

  /** An admin's edit reviews the answer: its sources move to the current version of the same passages. */
  const editReviewed = async (id: number, question: string, answer: string, topic: string | undefined): Promise<boolean> => {
    const current = await admin.get(id);
    if (!current) return false;
    const sources = current.sources ? await deps.impact.currentSources(current) : undefined;
    return admin.edit(id, { question, answer, topic, ...(sources && { sources }) }, deps.now().toISOString());
  };

  router.post('/:id', requireCsrf, async (req, res) => {
    const id = idParam(req);
    const question = field(req, 'question');
    const answer = field(req, 'answer');
    const account = accountOf(req);
    if (id === undefined || !question || !answer) {
      await flash(deps, req, { kind: 'error', text: 'Câu hỏi và câu trả lời không được để trống.' });
    } else if (await editReviewed(id, question, answer, field(req, 'topic') || undefined)) {
      await deps.audit.record({ accountId: account.id, actor: account.email, action: 'curated.edit', target: `curated:${id}`, detail: { chars: answer.length } });
      await flash(deps, req, { kind: 'ok', text: `Đã lưu câu trả lời mẫu #${id}.` });
    } else {
      await flash(deps, req, { kind: 'error', text: 'Không tìm thấy câu trả lời mẫu này.' });
    }
    res.redirect(303, `/console/curated${id ? `#c${id}` : ''}`);
  });

  for (const [action, active] of [['retire', false], ['activate', true]] as const) {
    router.post(`/:id/${action}`, requireCsrf, async (req, res) => {
      const id = idParam(req);
      const account = accountOf(req);
      if (id !== undefined && (await deps.app.stores.curated.setActive(id, active, deps.now().toISOString()))) {
        await deps.audit.record({ accountId: account.id, actor: account.email, action: `curated.${action}`, target: `curated:${id}` });
        await flash(deps, req, { kind: 'ok', text: active ? `Đã dùng lại câu trả lời mẫu #${id}.` : `Đã ngừng dùng câu trả lời mẫu #${id}.` });
      } else {
        await flash(deps, req, { kind: 'error', text: 'Không tìm thấy câu trả lời mẫu này.' });
      }
      res.redirect(303, `/console/curated${id ? `#c${id}` : ''}`);
    });
  }

  return router;
}
