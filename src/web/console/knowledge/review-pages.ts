import { readFile } from 'node:fs/promises';
import express, { type Request, type Response, type Router } from 'express';
import { confidenceText } from '../../../ocr/confidence-text.js';
import { DEFAULT_OCR_LIMITS } from '../../../ocr/ocr-limits.js';
import { renderPageImage } from '../../../ocr/page-image.js';
import { ScanRejected } from '../../../ocr/scan-reader.js';
import { isAwaitingReview, type StoredDocument } from '../../../storage/knowledge-store.js';
import { formatDateTime, html } from '../../shared/html.js';
import { flash, requireCsrf } from '../auth.js';
import { accountOf, type ConsoleDeps } from '../context.js';
import { actionButton, sendPage } from '../layout.js';
import { resolveInside } from './files.js';
import { progressText } from './progress-text.js';

/** What the reviewer is reminded of above every OCR text. */
export const OCR_CAUTION = 'Văn bản do máy nhận dạng chữ (OCR) từ bản quét, có thể sai dấu, sai số: hãy đối chiếu với ảnh trang trước khi đăng.';

/**
 * The OCR review (admins only): the documents read by OCR that wait for confirmation, each shown page by
 * page beside the text that was read, and the "Xác nhận và đăng" action that makes it searchable. Page
 * images are rendered on request from the file in the knowledge folder.
 */
export function reviewRouter(deps: ConsoleDeps): Router {
  const router = express.Router();
  const { app } = deps;
  const root = app.config.knowledgeDir;
  const ocrLimits = app.config.ocr ?? DEFAULT_OCR_LIMITS;
  const waitingDoc = async (id: unknown): Promise<StoredDocument | undefined> => {
    if (typeof id !== 'string') return undefined;
    const doc = (await app.kb.store.listDocuments()).find((d) => d.id === id);
    return doc && isAwaitingReview(doc) ? doc : undefined;
  };

  router.get('/', async (req, res) => {
    const waiting = await app.kb.store.awaitingReview();
    const progress = deps.indexer.progress();
    await sendPage(req, res, {
      title: 'Chờ duyệt OCR',
      nav: 'knowledge',
      body: html`<p>Tài liệu quét (PDF không có lớp chữ, ảnh) được nhận dạng chữ tự động. Chúng <strong>chưa được dùng để trả lời</strong>
          cho đến khi quản trị viên đối chiếu với bản quét và xác nhận.</p>
        <section class="card">
          <div id="reindex" data-progress-url="/console/knowledge/reindex/progress">
            <progress max="${Math.max(progress.total, 1)}" value="${progress.done}"></progress>
            <span class="status-text">${progressText(progress)}</span>
          </div>
        </section>
        ${waiting.length === 0
          ? html`<p id="review-empty">Không có tài liệu nào đang chờ duyệt.</p>`
          : html`<div class="table-wrap"><table class="responsive review-list">
              <thead><tr><th>Tài liệu</th><th>Số trang</th><th>Độ tin cậy OCR</th><th>Nạp lúc</th><th>Tệp</th></tr></thead>
              <tbody>${waiting.map(
                (w) => html`<tr>
                  <td data-label="Tài liệu"><a href="/console/knowledge/review/${w.id}">${w.title}</a><br><small class="muted">${w.id}</small></td>
                  <td class="num" data-label="Số trang">${w.pages}</td>
                  <td class="num" data-label="Độ tin cậy">${confidenceText(w.confidence)}</td>
                  <td data-label="Nạp lúc">${formatDateTime(w.createdAt)}</td>
                  <td data-label="Tệp"><small>${w.sourcePath}</small></td>
                </tr>`,
              )}</tbody></table></div>`}`,
    });
  });

  router.get('/:id', async (req, res) => {
    const doc = await waitingDoc(req.params['id']);
    if (!doc) return notWaiting(req, res);
    const pages = doc.ocr!.pages;
    const page = pageParam(req.query['trang'], pages);
    const text = (await app.kb.store.documentPassages(doc.id)).map((p) => p.text).join('\n\n');
    await sendPage(req, res, {
      title: `Duyệt OCR: ${doc.meta.title}`,
      nav: 'knowledge',
      body: html`<p class="flash flash-error ocr-caution">${OCR_CAUTION}</p>
        <p class="muted">${doc.sourcePath} · ${pages} trang · độ tin cậy trung bình ${confidenceText(doc.ocr!.confidence)} · chưa được tìm kiếm</p>
        ${pages > 1
          ? html`<nav class="pages" aria-label="Trang">${Array.from({ length: pages }, (_, i) => i + 1).map((n) =>
              n === page ? html`<strong class="pill">Trang ${n}</strong> ` : html`<a class="pill" href="/console/knowledge/review/${doc.id}?trang=${n}">Trang ${n}</a> `,
            )}</nav>`
          : ''}
        <div class="ocr-review">
          <figure class="ocr-page card"><img src="/console/knowledge/review/${doc.id}/page/${page}.png" alt="Ảnh trang ${page} của bản quét">
            <figcaption>Bản quét, trang ${page}/${pages}</figcaption></figure>
          <section class="ocr-text card"><h2>Chữ đã nhận dạng (cả tài liệu)</h2><div class="text">${text}</div></section>
        </div>
        <div class="actions">
          ${actionButton(req, `/console/knowledge/review/${doc.id}/accept`, 'Xác nhận và đăng', { className: 'primary', confirm: 'Đã đối chiếu với bản quét và đăng tài liệu này để trợ lý dùng trả lời?' })}
          <a class="button secondary" href="/console/knowledge/doc/${doc.id}">Thông tin tài liệu</a>
        </div>`,
    });
  });

  router.get('/:id/page/:page.png', async (req, res) => {
    const doc = await waitingDoc(req.params['id']);
    const file = doc && resolveInside(root, doc.sourcePath);
    const page = Number(req.params['page']);
    if (!doc || !file || !Number.isInteger(page) || page < 1 || page > doc.ocr!.pages) {
      res.status(404).type('text/plain').send('Không tìm thấy trang này.');
      return;
    }
    try {
      const image = await renderPageImage(await readFile(file), page, ocrLimits);
      res.set({ 'Cache-Control': 'private, no-store', 'X-Content-Type-Options': 'nosniff' }).type(image.contentType).send(image.bytes);
    } catch (error) {
      if (!(error instanceof ScanRejected)) throw error;
      res.status(422).type('text/plain').send(error.message);
    }
  });

  router.post('/:id/accept', requireCsrf, async (req, res) => {
    const doc = await waitingDoc(req.params['id']);
    const account = accountOf(req);
    if (!doc || !(await app.kb.acceptOcr(doc.id, account.email))) return notWaiting(req, res);
    await deps.audit.record({ accountId: account.id, actor: account.email, action: 'document.ocr_accept', target: `document:${doc.id}`, detail: { file: doc.sourcePath, pages: doc.ocr!.pages } });
    await app.kb.searcher();
    await flash(deps, req, { kind: 'ok', text: `Đã xác nhận và đăng “${doc.meta.title}”: tài liệu đã được dùng để trả lời.` });
    res.redirect(303, `/console/knowledge/doc/${encodeURIComponent(doc.id)}`);
  });

  async function notWaiting(req: Request, res: Response): Promise<void> {
    await flash(deps, req, { kind: 'error', text: 'Không có tài liệu OCR này đang chờ duyệt (có thể đã được đăng hoặc đã bị xóa).' });
    res.redirect(303, '/console/knowledge/review');
  }

  return router;
}

function pageParam(value: unknown, pages: number): number {
  const n = typeof value === 'string' ? Number(value) : 1;
  return Number.isInteger(n) && n >= 1 && n <= pages ? n : 1;
}
