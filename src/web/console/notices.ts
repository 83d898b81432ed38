import express, { type Request, type Response, type Router } from 'express';
import { topicLabel } from '../../escalation/topic-labels.js';
import { ALL_TOPICS } from '../../escalation/topics.js';
import { ROLES, type User } from '../../escalation/types.js';
import type { Audience, Exclusion } from '../../notices/audience.js';
import { NoticeError } from '../../notices/errors.js';
import { noticeText } from '../../notices/messages.js';
import { NOTICE_TEXT_MAX, NOTICE_TITLE_MAX, NoticeService, type NoticePreview } from '../../notices/notice-service.js';
import { html, type SafeHtml } from '../shared/html.js';
import { flash, requireCsrf } from './auth.js';
import { broadcastListHtml, fieldValues, reportHtml } from './broadcast-report.js';
import { accountOf, type ConsoleDeps, field, idParam } from './context.js';
import { CHANNEL_LABELS, label, ROLE_LABELS } from './labels.js';
import { csrfField, sendPage } from './layout.js';

interface Draft {
  title: string;
  text: string;
  audience: Audience;
}

const EXCLUSION_LABELS: Record<Exclusion, string> = {
  notices_off: 'đã tắt nhận thông báo',
  inactive: 'chưa được duyệt hoặc đã ngừng hoạt động',
  no_chat: 'chỉ dùng trang quản trị, không có cuộc trò chuyện để nhận tin',
};

/**
 * Notices to officials (admins only): compose (title, text, audience by role, topic, commune and channel),
 * preview (who receives it, per channel, and who is left out), confirm, then the delivery report. The
 * confirm form carries the previewed recipients: if they changed meanwhile nothing is sent and the new
 * preview is shown.
 */
export function noticesRouter(deps: ConsoleDeps): Router {
  const router = express.Router();
  const notices = new NoticeService({ broadcasts: deps.app.repos.broadcasts, users: deps.app.stores.users, now: deps.now });

  const draftOf = (req: Request): Draft => ({
    title: field(req, 'title'),
    text: field(req, 'text'),
    audience: {
      roles: fieldValues(req, 'roles').filter((r): r is User['role'] => (ROLES as readonly string[]).includes(r)),
      topics: fieldValues(req, 'topics'),
      communes: fieldValues(req, 'communes'),
      channels: fieldValues(req, 'channels'),
    },
  });

  async function compose(req: Request, res: Response, options: { draft?: Draft; preview?: NoticePreview; error?: string } = {}): Promise<void> {
    const { draft, preview } = options;
    const users = await deps.app.stores.users.list();
    await sendPage(req, res, {
      title: preview ? 'Xem trước thông báo' : 'Soạn thông báo',
      nav: 'notices',
      ...(options.error && { flash: { kind: 'error' as const, text: options.error } }),
      body: html`${preview && draft ? previewHtml(req, draft, preview) : ''}
        ${composeForm(req, users, draft)}`,
    });
  }

  router.get('/', async (req, res) => {
    await sendPage(req, res, {
      title: 'Thông báo',
      nav: 'notices',
      body: html`<p class="muted">Gửi thông báo (văn bản mới, hạn nộp…) tới cán bộ theo vai trò, lĩnh vực, xã và kênh. Người đã tắt nhận thông báo (lệnh /tatthongbao, hoặc nút trên trang hỏi đáp) không nhận.</p>
        <p class="actions"><a class="button" href="/console/notices/new">Soạn thông báo</a> <a class="button secondary" href="/console/follow-ups">Báo thay đổi câu trả lời</a></p>
        <h2>Đã gửi</h2>
        ${broadcastListHtml(await notices.list(), (id) => `/console/notices/${id}`, 'Chưa gửi thông báo nào.')}`,
    });
  });

  router.get('/new', async (req, res) => {
    await compose(req, res);
  });

  router.post('/preview', requireCsrf, async (req, res) => {
    const draft = draftOf(req);
    if (!draft.title || !draft.text) return compose(req, res, { draft, error: 'Tiêu đề và nội dung thông báo không được để trống.' });
    await compose(req, res, { draft, preview: await notices.preview(draft.audience) });
  });

  router.post('/', requireCsrf, async (req, res) => {
    const draft = draftOf(req);
    const account = accountOf(req);
    const expected = field(req, 'expected')
      .split(',')
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0);
    try {
      const notice = await notices.send({ ...draft, author: { label: account.email, userId: account.userId } }, expected);
      const report = await notices.report(notice.id);
      await deps.audit.record({ accountId: account.id, actor: account.email, action: 'notice.send', target: `notice:${notice.id}`, detail: { recipients: report?.deliveries.length ?? 0, audience: notice.detail['audience'] } });
      await flash(deps, req, { kind: 'ok', text: `Đã gửi thông báo tới ${report?.deliveries.length ?? 0} người nhận; tin nhắn đang được chuyển đi.` });
      res.redirect(303, `/console/notices/${notice.id}`);
    } catch (error) {
      if (!(error instanceof NoticeError)) throw error;
      const preview = error.code === 'invalid_input' ? undefined : await notices.preview(draft.audience);
      await compose(req, res, { draft, error: error.message, ...(preview && { preview }) });
    }
  });

  router.get('/:id', async (req, res) => {
    const id = idParam(req);
    const report = id === undefined ? undefined : await notices.report(id);
    if (!report) {
      await sendPage(req, res, { title: 'Không tìm thấy thông báo', nav: 'notices', body: html`<p><a href="/console/notices">Về danh sách thông báo</a></p>` }, 404);
      return;
    }
    const { broadcast } = report;
    await sendPage(req, res, {
      title: `Thông báo #${broadcast.id}`,
      nav: 'notices',
      body: html`<p><a href="/console/notices">← Danh sách thông báo</a></p>
        <section class="card"><h2>${broadcast.title}</h2><pre class="message">${broadcast.body}</pre>
          <p class="muted">Gửi bởi ${broadcast.author}.</p></section>
        ${reportHtml(report)}`,
    });
  });

  return router;
}

function checkboxes(name: string, legend: string, options: readonly { value: string; text: string }[], chosen: readonly string[], hint?: string): SafeHtml {
  if (options.length === 0) return html``;
  return html`<fieldset class="choices"><legend>${legend}</legend>
    ${hint ? html`<small class="muted">${hint}</small><br>` : ''}
    ${options.map((o) => html`<label class="check"><input type="checkbox" name="${name}" value="${o.value}"${chosen.includes(o.value) ? html` checked` : ''}> ${o.text}</label>`)}
  </fieldset>`;
}

/** The compose form; the audience's choices are the roles, and the topics, communes and channels users have. */
function composeForm(req: Request, users: readonly User[], draft?: Draft): SafeHtml {
  const topics = [...new Set(users.flatMap((u) => u.topics).filter((t) => t !== ALL_TOPICS))].sort((a, b) => topicLabel(a).localeCompare(topicLabel(b), 'vi'));
  const communes = [...new Set(users.map((u) => u.commune?.trim()).filter((c): c is string => Boolean(c)))].sort((a, b) => a.localeCompare(b, 'vi'));
  const channels = [...new Set(users.map((u) => u.channel))].sort();
  const audience = draft?.audience;
  return html`<form method="post" action="/console/notices/preview" class="card notice-form" id="compose">
    ${csrfField(req)}
    <label>Tiêu đề <input name="title" required maxlength="${NOTICE_TITLE_MAX}" value="${draft?.title ?? ''}" placeholder="Nghị định mới về mức trợ cấp"></label>
    <label>Nội dung <textarea name="text" rows="6" required maxlength="${NOTICE_TEXT_MAX}" placeholder="Từ ngày …, mức trợ cấp … ; hạn nộp hồ sơ …">${draft?.text ?? ''}</textarea></label>
    ${checkboxes('roles', 'Vai trò', ROLES.map((r) => ({ value: r, text: ROLE_LABELS[r] })), audience?.roles ?? ['official'])}
    ${checkboxes('topics', 'Lĩnh vực', topics.map((t) => ({ value: t, text: topicLabel(t) })), audience?.topics ?? [], 'Không chọn: mọi lĩnh vực.')}
    ${checkboxes('communes', 'Xã, phường', communes.map((c) => ({ value: c, text: c })), audience?.communes ?? [], 'Không chọn: mọi xã.')}
    ${checkboxes('channels', 'Kênh', channels.map((c) => ({ value: c, text: label(CHANNEL_LABELS, c) })), audience?.channels ?? [], 'Không chọn: mọi kênh.')}
    <button type="submit">Xem trước</button>
  </form>`;
}

/** Who the notice reaches, per channel, who is left out, how it reads, and the form that confirms it. */
function previewHtml(req: Request, draft: Draft, preview: NoticePreview): SafeHtml {
  const { audience } = preview;
  const hidden = (name: string, values: readonly string[]) => values.map((v) => html`<input type="hidden" name="${name}" value="${v}">`);
  return html`<section class="card preview" id="preview">
    <h2>Sẽ gửi tới ${preview.recipients.length} người</h2>
    ${preview.byChannel.map(
      (g) => html`<h3 data-channel="${g.channel}">${label(CHANNEL_LABELS, g.channel)}: ${g.users.length} người</h3>
        <ul class="plain recipients">${g.users.map((u) => html`<li data-user="${u.id}">${u.displayName}${u.commune ? ` · ${u.commune}` : ''} <small class="muted">${ROLE_LABELS[u.role]}</small></li>`)}</ul>`,
    )}
    ${preview.excluded.length
      ? html`<p class="muted excluded">Không gửi ${preview.excluded.length} người khớp bộ lọc: ${preview.excluded.map((e) => `${e.user.displayName} (${EXCLUSION_LABELS[e.why]})`).join('; ')}.</p>`
      : ''}
    <h3>Nội dung tin nhắn</h3>
    <pre class="message">${noticeText(draft.title, draft.text, 'telegram')}</pre>
    ${preview.recipients.length
      ? html`<form method="post" action="/console/notices" id="confirm">
          ${csrfField(req)}
          <input type="hidden" name="title" value="${draft.title}">
          <input type="hidden" name="text" value="${draft.text}">
          ${hidden('roles', audience.roles)}${hidden('topics', audience.topics)}${hidden('communes', audience.communes)}${hidden('channels', audience.channels)}
          <input type="hidden" name="expected" value="${preview.recipients.map((u) => u.id).join(',')}">
          <button type="submit">Xác nhận gửi tới ${preview.recipients.length} người</button>
        </form>`
      : html`<p class="flash flash-error">Không có người nhận nào phù hợp với bộ lọc đã chọn.</p>`}
    <p class="muted">Muốn sửa? Sửa ở biểu mẫu dưới đây rồi bấm “Xem trước” lại.</p>
  </section>`;
}
