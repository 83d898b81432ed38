import express, { type Request, type Response, type Router } from 'express';
import type { QuestionLogStore } from '../../assistant/question-log.js';
import { NoticeError } from '../../notices/errors.js';
import { affectedAnswerOf, FOLLOW_UP_CONTENT_MAX, FOLLOW_UP_REASON_MAX, FollowUpService, UNREACHABLE_CHANNELS, type AffectedAnswer } from '../../notices/follow-up-service.js';
import { vietnameseDay } from '../../notices/messages.js';
import { formatDateTime, html } from '../shared/html.js';
import { flash, requireCsrf } from './auth.js';
import { broadcastListHtml, fieldValues, reportHtml } from './broadcast-report.js';
import { accountOf, type ConsoleDeps, field, idParam, queryParam } from './context.js';
import { CHANNEL_LABELS, label } from './labels.js';
import { csrfField, sendPage } from './layout.js';

const MAX_ANSWERS = 500;

/** Question-log ids from `1,2,3`, `1 2 3`, `#1`, or repeated fields; positive integers, de-duplicated, at most 500. */
export function parseAnswerIds(values: readonly string[]): number[] {
  const ids = values.flatMap((v) => v.split(/[\s,;]+/u)).map((v) => Number(v.replace(/^#/u, '')));
  return [...new Set(ids.filter((n) => Number.isInteger(n) && n > 0))].slice(0, MAX_ANSWERS);
}

/**
 * Follow-ups on changed answers (admins only): `/console/follow-ups?answers=12,15` lists those question-log
 * entries (the impact page links here with the answers it found), the admin writes what changed and the
 * new content, unticks any answer, and sends; one message goes to each asker, on the channel they asked
 * on, and the report shows sent, failed and pending. Without `answers`: the follow-ups sent so far.
 */
export function followUpsRouter(deps: ConsoleDeps, log: Pick<QuestionLogStore, 'get'>): Router {
  const router = express.Router();
  const followUps = new FollowUpService({ broadcasts: deps.app.repos.broadcasts, now: deps.now });

  async function answersOf(ids: readonly number[]): Promise<AffectedAnswer[]> {
    const entries = await Promise.all(ids.map((id) => log.get(id)));
    return entries.filter((e) => e !== undefined).map(affectedAnswerOf);
  }

  async function page(req: Request, res: Response, ids: readonly number[], options: { reason?: string; content?: string; error?: string } = {}): Promise<void> {
    const answers = await answersOf(ids);
    const missing = ids.filter((id) => !answers.some((a) => a.id === id));
    const askers = new Set(answers.filter((a) => !UNREACHABLE_CHANNELS.has(a.channel)).map((a) => `${a.channel}\u0000${a.chatId}`)).size;
    await sendPage(req, res, {
      title: 'Báo thay đổi câu trả lời',
      nav: 'notices',
      ...(options.error && { flash: { kind: 'error' as const, text: options.error } }),
      body: html`<p class="muted">Gửi cho người đã hỏi một tin ngắn qua đúng kênh họ đã hỏi: “Câu trả lời ngày … về … đã thay đổi do … Nội dung mới: …”. Mỗi người nhận một tin, kể cả khi có nhiều câu trả lời bị ảnh hưởng.</p>
        <form method="get" action="/console/follow-ups" class="row spaced">
          <label>Mã câu hỏi trong nhật ký (cách nhau bởi dấu phẩy) <input name="answers" value="${ids.join(', ')}" inputmode="numeric" placeholder="12, 15, 31"></label>
          <button type="submit" class="secondary">Xem</button>
        </form>
        ${missing.length ? html`<p class="flash flash-error">Không tìm thấy câu hỏi: ${missing.map((id) => `#${id}`).join(', ')}.</p>` : ''}
        ${answers.length
          ? html`<form method="post" action="/console/follow-ups" class="card" id="follow-up">
              ${csrfField(req)}
              <h2>${answers.length} câu trả lời · ${askers} người hỏi</h2>
              <div class="table-wrap"><table class="responsive answers">
                <thead><tr><th>Gửi</th><th>Ngày hỏi</th><th>Câu hỏi</th><th>Người hỏi</th><th>Kênh</th></tr></thead>
                <tbody>${answers.map((a) => {
                  const unreachable = UNREACHABLE_CHANNELS.has(a.channel);
                  return html`<tr>
                    <td data-label="Gửi"><input type="checkbox" name="answers" value="${a.id}" aria-label="Gửi cho câu hỏi #${a.id}"${unreachable ? html` disabled` : html` checked`}></td>
                    <td data-label="Ngày hỏi">${vietnameseDay(a.askedAt)}<br><small class="muted">#${a.id}</small></td>
                    <td data-label="Câu hỏi">${a.question}</td>
                    <td data-label="Người hỏi">${a.displayName ?? a.userId}${a.commune ? html`<br><small>${a.commune}</small>` : ''}</td>
                    <td data-label="Kênh">${label(CHANNEL_LABELS, a.channel)}${unreachable ? html`<br><small class="muted">không có cuộc trò chuyện để nhắn lại</small>` : ''}</td>
                  </tr>`;
                })}</tbody>
              </table></div>
              <label>Thay đổi do <small>nối tiếp “… đã thay đổi do”, ví dụ: Nghị định 55/2026/NĐ-CP điều chỉnh mức trợ cấp mai táng</small>
                <input name="reason" required maxlength="${FOLLOW_UP_REASON_MAX}" value="${options.reason ?? ''}"></label>
              <label>Nội dung mới <textarea name="content" rows="5" required maxlength="${FOLLOW_UP_CONTENT_MAX}">${options.content ?? ''}</textarea></label>
              <button type="submit">Gửi thông báo thay đổi</button>
            </form>`
          : ''}
        <h2>Đã gửi</h2>
        ${broadcastListHtml(await followUps.list(), (id) => `/console/follow-ups/${id}`, 'Chưa gửi thông báo thay đổi nào.')}`,
    });
  }

  router.get('/', async (req, res) => {
    await page(req, res, parseAnswerIds([queryParam(req, 'answers')]));
  });

  router.post('/', requireCsrf, async (req, res) => {
    const ids = parseAnswerIds(fieldValues(req, 'answers'));
    const reason = field(req, 'reason');
    const content = field(req, 'content');
    const account = accountOf(req);
    try {
      const answers = await answersOf(ids);
      if (answers.length === 0) throw new NoticeError('no_recipients', 'Chưa chọn câu trả lời nào.');
      const { followUp, recipients, skipped } = await followUps.send({ answers, reason, newContent: content, author: { label: account.email, userId: account.userId } });
      await deps.audit.record({ accountId: account.id, actor: account.email, action: 'follow_up.send', target: `follow_up:${followUp.id}`, detail: { answers: answers.map((a) => a.id), recipients } });
      const left = skipped.length ? ` ${skipped.length} câu hỏi từ dòng lệnh không gửi được.` : '';
      await flash(deps, req, { kind: 'ok', text: `Đã gửi thông báo thay đổi tới ${recipients} người hỏi; tin nhắn đang được chuyển đi.${left}` });
      res.redirect(303, `/console/follow-ups/${followUp.id}`);
    } catch (error) {
      if (!(error instanceof NoticeError)) throw error;
      await page(req, res, ids, { reason, content, error: error.message });
    }
  });

  router.get('/:id', async (req, res) => {
    const id = idParam(req);
    const report = id === undefined ? undefined : await followUps.report(id);
    if (!report) {
      await sendPage(req, res, { title: 'Không tìm thấy', nav: 'notices', body: html`<p><a href="/console/follow-ups">Về danh sách</a></p>` }, 404);
      return;
    }
    const { broadcast } = report;
    await sendPage(req, res, {
      title: `Thông báo thay đổi #${broadcast.id}`,
      nav: 'notices',
      body: html`<p><a href="/console/follow-ups">← Báo thay đổi câu trả lời</a></p>
        <section class="card"><h2>Thay đổi do ${broadcast.title}</h2><pre class="message">Nội dung mới: ${broadcast.body}</pre>
          <p class="muted">Gửi bởi ${broadcast.author} lúc ${formatDateTime(broadcast.createdAt)}.</p></section>
        ${reportHtml(report, (d) => {
          const answers = Array.isArray(d.detail['answers']) ? (d.detail['answers'] as { id: number; question: string }[]) : [];
          return html`<br><small class="muted">${answers.map((a) => `#${a.id} ${a.question}`).join(' · ')}</small>`;
        })}`,
    });
  });

  return router;
}
