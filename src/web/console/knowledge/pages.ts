import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { DocumentLoadError } from '../../../knowledge/loaders.js';
import type { IngestReport } from '../../../knowledge/ingest.js';
import { DOCUMENT_STATUSES, documentMetaSchema, type DocumentMeta } from '../../../knowledge/types.js';
import { isAwaitingReview, type StoredDocument } from '../../../storage/knowledge-store.js';
import { slugify } from '../../../knowledge/legal-structure.js';
import { flash, requireCsrf } from '../auth.js';
import { accountOf, type ConsoleDeps, field, queryParam } from '../context.js';
import { formatDate, formatDateTime, formatScore, html, safeHref, type SafeHtml } from '../../shared/html.js';
import { DOCUMENT_STATUS_LABELS, label } from '../labels.js';
import { actionButton, csrfField, fileInput, sendPage } from '../layout.js';
import { singleFileUpload } from '../single-upload.js';
import {
  contentProblem,
  editMetadata,
  firstHeading,
  freeName,
  joinFrontMatter,
  MAX_UPLOAD_BYTES,
  metaToYaml,
  UPLOAD_EXTENSIONS,
  UPLOAD_TYPES_TEXT,
  PENDING_FOLDER,
  resolveInside,
  safeUploadName,
  sidecarCandidates,
  sidecarPath,
  splitFrontMatter,
  UPLOADS_FOLDER,
  writeAtomic,
} from './files.js';
import { topicLabel } from '../../../escalation/topic-labels.js';
import { progressText } from './progress-text.js';
import { reviewRouter } from './review-pages.js';
import { documentFilterFrom, filterDocuments, filterForm, isFiltering } from './list-filter.js';
import { DOC_TYPES, metaFields, metaRecord, statusSelect, validateMeta, valuesFromForm, valuesFromMeta, type MetaFormValues } from './meta-form.js';

/** A document whose last review is older than this is flagged as stale. */
export const STALE_AFTER_DAYS = 180;
const PENDING_NAME = /^[a-z0-9][a-z0-9-]*\.(md|txt|docx|pdf|png|jpg|jpeg|tif|tiff)$/;

/** Whether a document's `reviewed` date is missing or older than {@link STALE_AFTER_DAYS} days. */
export function isStale(reviewed: string | undefined, now: Date): boolean {
  if (!reviewed) return true;
  const at = Date.parse(`${reviewed}T00:00:00Z`);
  return Number.isNaN(at) || now.getTime() - at > STALE_AFTER_DAYS * 86_400_000;
}

/**
 * The knowledge pages (admins only): documents with their review state, upload with a metadata form,
 * editing a Markdown document, retiring and deleting, re-indexing with progress, chunks of a document
 * and a "thử truy vấn" panel showing the scores of each retrieved passage.
 */
export function knowledgeRouter(deps: ConsoleDeps): Router {
  const router = express.Router();
  const { app } = deps;
  const root = app.config.knowledgeDir;
  const uploadsDir = path.join(root, UPLOADS_FOLDER);
  const pendingDir = path.join(uploadsDir, PENDING_FOLDER);
  const audit = (req: Request, action: string, target: string, detail: Record<string, unknown> = {}) => {
    const account = accountOf(req);
    return deps.audit.record({ accountId: account.id, actor: account.email, action, target, detail });
  };
  const findDoc = async (id: string | undefined): Promise<StoredDocument | undefined> =>
    id ? (await app.kb.store.listDocuments()).find((d) => d.id === id) : undefined;
  const fileOf = (doc: StoredDocument) => resolveInside(root, doc.sourcePath);

  router.use('/review', reviewRouter(deps));

  // ── list ──────────────────────────────────────────────────────────────────────────────────────────
  router.get('/', async (req, res) => {
    const allDocs = await app.kb.store.listDocuments();
    const filter = documentFilterFrom(req);
    const counts = await app.kb.store.chunkCounts();
    const pending = (await readdir(pendingDir).catch(() => [] as string[])).filter((n) => PENDING_NAME.test(n));
    const now = deps.now();
    const progress = deps.indexer.progress();
    const staleCount = allDocs.filter((d) => isStale(d.meta.reviewed, now)).length;
    const docs = filterDocuments(allDocs, filter, (d) => isStale(d.meta.reviewed, now));
    const impact = await deps.impact.compute();
    const waitingReview = allDocs.filter(isAwaitingReview).length;
    await sendPage(req, res, {
      title: 'Tri thức',
      nav: 'knowledge',
      body: html`
      ${waitingReview
        ? html`<p class="flash flash-error review-note">${waitingReview} tài liệu quét đã nhận dạng chữ (OCR) đang chờ duyệt, chưa được dùng để trả lời.
            <a href="/console/knowledge/review">Xem và xác nhận</a></p>`
        : ''}
      ${impact.curated.length || impact.answers.length
        ? html`<p class="flash flash-error impact-note">Văn bản đã thay đổi ảnh hưởng tới ${impact.curated.length} câu trả lời mẫu cần xem lại và ${impact.answers.length} câu trả lời đã gửi trong ${impact.days} ngày qua.
            <a href="/console/impact">Xem ảnh hưởng của thay đổi</a></p>`
        : ''}
      <section class="card">
        <h2>Thêm tài liệu</h2>
        <form method="post" action="/console/knowledge/upload" enctype="multipart/form-data" class="row">
          ${csrfField(req)}
          <label>Tệp ${UPLOAD_TYPES_TEXT} (tối đa ${MAX_UPLOAD_BYTES / 1024 / 1024} MB)
            ${fileInput({ name: 'file', accept: UPLOAD_EXTENSIONS.join(','), required: true })}</label>
          <button type="submit">Tải lên</button>
        </form>
        ${pending.length
          ? html`<p>Tệp đang chờ khai báo thông tin: ${pending.map((n) => html`<a class="pill" href="/console/knowledge/pending/${n}">${n}</a> `)}</p>`
          : ''}
      </section>
      <section class="card">
        <h2>Lập chỉ mục</h2>
        <div id="reindex" data-progress-url="/console/knowledge/reindex/progress">
          <progress max="${Math.max(progress.total, 1)}" value="${progress.done}"></progress>
          <span class="status-text">${progressText(progress)}</span>
        </div>
        <form method="post" action="/console/knowledge/reindex" class="inline" data-reindex>
          ${csrfField(req)}
          <button type="submit" class="secondary">Lập chỉ mục lại</button>
        </form>
      </section>
      <section class="card">
        <h2>Thử truy vấn</h2>
        <form method="get" action="/console/knowledge/query" class="row">
          <input type="search" name="q" placeholder="Ví dụ: hồ sơ trợ cấp mai táng gồm những gì" required>
          <button type="submit">Tìm</button>
        </form>
      </section>
      <h2 id="documents">Tài liệu (${allDocs.length}) ${staleCount ? html`<a class="badge warn" href="/console/knowledge?review=stale#documents">${staleCount} cần rà soát lại</a>` : ''}</h2>
      ${filterForm(filter, allDocs)}
      ${isFiltering(filter) ? html`<p class="muted" id="filter-count">Đang hiện ${docs.length} trên ${allDocs.length} tài liệu.</p>` : ''}
      ${docs.length === 0 ? html`<p>Không có tài liệu nào khớp với bộ lọc.</p>` : ''}
      <div class="table-wrap"><table class="responsive documents">
        <thead><tr><th>Tài liệu</th><th>Loại</th><th>Tình trạng</th><th>Xác minh</th><th>Rà soát</th><th>Số đoạn</th><th>Tệp</th></tr></thead>
        <tbody>
        ${docs.map((d) => {
          const stale = isStale(d.meta.reviewed, now);
          return html`<tr>
            <td data-label="Tài liệu"><a href="/console/knowledge/doc/${d.id}">${d.meta.title}</a><br><small class="muted">${d.id}</small>
              ${isAwaitingReview(d) ? html`<a class="badge warn" href="/console/knowledge/review/${d.id}">Chờ duyệt OCR</a>` : ''}</td>
            <td data-label="Loại">${label(DOC_TYPES, d.meta.doc_type)}</td>
            <td data-label="Tình trạng"><span class="status status-${d.meta.status}">${label(DOCUMENT_STATUS_LABELS, d.meta.status)}</span></td>
            <td data-label="Xác minh">${d.meta.verified ? 'Đã xác minh' : html`<span class="badge warn">Chưa xác minh</span>`}</td>
            <td data-label="Rà soát">${d.meta.reviewed ? formatDate(d.meta.reviewed) : 'Chưa có'} ${stale ? html`<span class="badge warn">Quá ${STALE_AFTER_DAYS} ngày</span>` : ''}</td>
            <td data-label="Số đoạn">${counts.get(d.id) ?? 0}</td>
            <td data-label="Tệp"><small>${d.sourcePath}</small></td>
          </tr>`;
        })}
        </tbody>
      </table></div>`,
    });
  });

  // ── upload ────────────────────────────────────────────────────────────────────────────────────────
  const uploadFile = singleFileUpload(deps, { maxBytes: MAX_UPLOAD_BYTES, back: '/console/knowledge', tooLarge: `Tệp quá lớn (giới hạn ${MAX_UPLOAD_BYTES / 1024 / 1024} MB).` });
  router.post('/upload', uploadFile, requireCsrf, async (req, res) => {
    const file = req.file;
    if (!file) {
      await flash(deps, req, { kind: 'error', text: 'Chưa chọn tệp để tải lên.' });
      res.redirect(303, '/console/knowledge');
      return;
    }
    const safe = safeUploadName(file.originalname);
    if (!safe) {
      await flash(deps, req, { kind: 'error', text: `Chỉ nhận tệp ${UPLOAD_TYPES_TEXT}.` });
      res.redirect(303, '/console/knowledge');
      return;
    }
    const problem = contentProblem(safe.ext, file.buffer);
    if (problem) {
      await flash(deps, req, { kind: 'error', text: `Tệp “${safe.name}” bị từ chối: ${problem}` });
      res.redirect(303, '/console/knowledge');
      return;
    }
    await mkdir(pendingDir, { recursive: true });
    const name = await freeName(pendingDir, safe.name);
    const pendingFile = resolveInside(pendingDir, name);
    if (!pendingFile) throw new Error('unsafe upload name');
    await writeFile(pendingFile, file.buffer);
    await audit(req, 'document.upload', `upload:${name}`, { original: file.originalname.slice(0, 200), bytes: file.size });

    // A .docx, .pdf or .txt is read at once (in the parse thread): one over its limits never waits in the list.
    if (safe.ext !== '.md') {
      const refusal = await parseRefusal(pendingFile, pendingDir);
      if (refusal) {
        await refuseUpload(req, name, pendingFile, refusal);
        res.redirect(303, '/console/knowledge');
        return;
      }
    }

    // A Markdown file with front matter goes straight in; everything else gets the metadata form.
    if (safe.ext === '.md' && splitFrontMatter(file.buffer.toString('utf8'))) {
      const outcome = await publish(req, name, undefined);
      if (outcome.ok) {
        res.redirect(303, `/console/knowledge/doc/${encodeURIComponent(outcome.docId)}`);
      } else {
        await rm(pendingFile, { force: true });
        const text = outcome.refused ? refusedText(name, outcome.refused) : `Tệp “${safe.name}” chưa được nạp: ${outcome.problems.join(' ')}`;
        await flash(deps, req, { kind: 'error', text });
        res.redirect(303, '/console/knowledge');
      }
      return;
    }
    res.redirect(303, `/console/knowledge/pending/${name}`);
  });

  const pendingPath = (req: Request) => {
    const name = req.params['name'];
    if (typeof name !== 'string' || !PENDING_NAME.test(name)) return undefined;
    const file = resolveInside(pendingDir, name);
    return file ? { name, file } : undefined;
  };

  /** Why the parse thread refuses a file (over its limits), or undefined when it does not. */
  async function parseRefusal(file: string, rootDir: string): Promise<string | undefined> {
    try {
      await app.kb.parser.parse(file, rootDir);
    } catch (error) {
      if (error instanceof DocumentLoadError && error.refused) return error.reason;
    }
    return undefined;
  }

  /** Removes a refused pending upload and tells the admin why. */
  async function refuseUpload(req: Request, name: string, file: string, reason: string): Promise<void> {
    await rm(file, { force: true });
    await audit(req, 'document.refuse', `upload:${name}`, { reason });
    await flash(deps, req, { kind: 'error', text: refusedText(name, reason) });
  }

  /**
   * Metadata the loader derives from the file alone (header of a .docx/.pdf/.txt, first heading of a .md),
   * or the reason the parse thread refuses the file.
   */
  async function suggestedMeta(name: string, file: string): Promise<MetaFormValues | { refused: string }> {
    const stem = name.slice(0, name.length - path.extname(name).length);
    let values = valuesFromMeta({ id: slugify(stem), status: 'in_force' });
    if (name.endsWith('.md')) {
      const title = firstHeading(await readFile(file, 'utf8'));
      if (title) values.title = title;
    } else {
      try {
        values = valuesFromMeta((await app.kb.parser.parse(file, pendingDir)).doc.meta);
      } catch (error) {
        if (error instanceof DocumentLoadError && error.refused) return { refused: error.reason };
        // Otherwise the header gave nothing valid: the admin fills the form.
      }
    }
    if (!values.reviewed) values.reviewed = deps.now().toISOString().slice(0, 10);
    return values;
  }

  async function renderPending(req: Request, res: Response, name: string, values: MetaFormValues, problems: string[] = [], status = 200) {
    await sendPage(
      req,
      res,
      {
        title: 'Khai báo thông tin tài liệu',
        nav: 'knowledge',
        flash: problems.length ? { kind: 'error', text: problems.join(' ') } : undefined,
        body: html`<p>Tệp <strong>${name}</strong> chưa có phần thông tin (front matter). Hãy điền thông tin để hệ thống trích dẫn đúng;
          ${name.endsWith('.md') ? 'thông tin sẽ được ghi vào đầu tệp Markdown.' : html`thông tin sẽ được ghi vào tệp đi kèm <code>${sidecarName(name)}</code>.`}</p>
          <form method="post" action="/console/knowledge/pending/${name}" class="card">
            ${csrfField(req)}
            ${metaFields(values)}
            <button type="submit">Lưu và nạp vào kho tri thức</button>
          </form>
          ${actionButton(req, `/console/knowledge/pending/${name}/discard`, 'Hủy tệp này', { confirm: 'Xóa tệp đang chờ này?' })}`,
      },
      status,
    );
  }

  router.get('/pending/:name', async (req, res) => {
    const pending = pendingPath(req);
    const content = pending && (await readFile(pending.file).catch(() => undefined));
    if (!pending || !content) {
      await flash(deps, req, { kind: 'error', text: 'Không tìm thấy tệp đang chờ này.' });
      res.redirect(303, '/console/knowledge');
      return;
    }
    const suggested = await suggestedMeta(pending.name, pending.file);
    if ('refused' in suggested) {
      await refuseUpload(req, pending.name, pending.file, suggested.refused);
      res.redirect(303, '/console/knowledge');
      return;
    }
    await renderPending(req, res, pending.name, suggested);
  });

  router.post('/pending/:name', requireCsrf, async (req, res) => {
    const pending = pendingPath(req);
    if (!pending || !(await readFile(pending.file).catch(() => undefined))) {
      await flash(deps, req, { kind: 'error', text: 'Không tìm thấy tệp đang chờ này.' });
      res.redirect(303, '/console/knowledge');
      return;
    }
    const values = valuesFromForm(req);
    const taken = new Set((await app.kb.store.listDocuments()).map((d) => d.id));
    const problems = validateMeta(values, { takenIds: taken });
    if (problems.length) {
      await renderPending(req, res, pending.name, values, problems, 400);
      return;
    }
    const outcome = await publish(req, pending.name, metaRecord(values));
    if (!outcome.ok && outcome.refused) {
      await refuseUpload(req, pending.name, pending.file, outcome.refused);
      res.redirect(303, '/console/knowledge');
      return;
    }
    if (!outcome.ok) {
      await renderPending(req, res, pending.name, values, outcome.problems, 400);
      return;
    }
    res.redirect(303, outcome.scan ? '/console/knowledge/review' : `/console/knowledge/doc/${encodeURIComponent(outcome.docId)}`);
  });

  router.post('/pending/:name/discard', requireCsrf, async (req, res) => {
    const pending = pendingPath(req);
    if (pending) {
      await rm(pending.file, { force: true });
      await audit(req, 'document.discard', `upload:${pending.name}`);
    }
    await flash(deps, req, { kind: 'ok', text: 'Đã hủy tệp đang chờ.' });
    res.redirect(303, '/console/knowledge');
  });

  /**
   * Moves a pending upload into `uploads/` (with its metadata: front matter for .md, a sidecar otherwise),
   * ingests, and checks the file made it in. On failure everything is put back as it was; a file the parse
   * thread refuses (`refused`: why) is left for the caller to remove from the pending folder.
   */
  async function publish(
    req: Request,
    name: string,
    meta: Record<string, unknown> | undefined,
  ): Promise<{ ok: true; docId: string; scan?: boolean } | { ok: false; problems: string[]; refused?: string }> {
    const from = resolveInside(pendingDir, name);
    if (!from) return { ok: false, problems: ['Tên tệp không hợp lệ.'] };
    // Check the file with its metadata before it enters the knowledge folder.
    const original = await readFile(from);
    const content = meta && name.endsWith('.md') ? Buffer.from(joinFrontMatter(metaToYaml(meta), original.toString('utf8'))) : original;
    const checkDir = path.join(pendingDir, `.check-${process.pid}-${Date.now()}`);
    let loaded: DocumentMeta;
    let scan = false;
    try {
      await mkdir(checkDir, { recursive: true });
      await writeFile(path.join(checkDir, name), content);
      if (meta && !name.endsWith('.md')) await writeFile(sidecarPath(path.join(checkDir, name)), metaToYaml(meta));
      loaded = (await app.kb.parser.parse(path.join(checkDir, name), checkDir)).doc.meta;
    } catch (error) {
      if (error instanceof DocumentLoadError && error.refused) return { ok: false, problems: [loadProblem(error)], refused: error.reason };
      // A scan has no text until OCR has read it: the metadata of the form are what can be checked now.
      const formMeta = error instanceof DocumentLoadError && error.needsOcr && meta ? documentMetaSchema.safeParse(meta) : undefined;
      if (!formMeta?.success) return { ok: false, problems: [loadProblem(error)] };
      loaded = formMeta.data;
      scan = true;
    } finally {
      await rm(checkDir, { recursive: true, force: true });
    }
    const taken = (await app.kb.store.listDocuments()).find((d) => d.id === loaded.id);
    if (taken) return { ok: false, problems: [`Mã tài liệu “${loaded.id}” đã được dùng cho “${taken.meta.title}” (${taken.sourcePath}).`] };

    const finalName = await freeName(uploadsDir, name);
    const target = resolveInside(uploadsDir, finalName);
    if (!target) return { ok: false, problems: ['Tên tệp không hợp lệ.'] };
    const sidecar = meta && !name.endsWith('.md') ? sidecarPath(target) : undefined;
    if (sidecar) await writeAtomic(sidecar, metaToYaml(meta!));
    await writeAtomic(target, content);
    const relative = `${UPLOADS_FOLDER}/${finalName}`;
    if (scan) {
      // OCR takes seconds a page: the admin follows it on the review page. A scan it refuses is removed
      // from uploads/ by the indexer, like any refused upload.
      deps.indexer.run(`upload ${relative}`).catch(() => undefined);
      await rm(from, { force: true });
      await audit(req, 'document.publish', `document:${loaded.id}`, { file: relative, sidecar: sidecar ? path.basename(sidecar) : null, ocr: true });
      await flash(deps, req, { kind: 'ok', text: `Đang nhận dạng chữ (OCR) tài liệu “${loaded.title}”; khi xong, tài liệu chờ duyệt ở đây trước khi được dùng để trả lời.` });
      return { ok: true, docId: loaded.id, scan: true };
    }
    const rollback = async () => {
      await rm(target, { force: true });
      if (sidecar) await rm(sidecar, { force: true });
      await deps.indexer.run(`rollback ${relative}`).catch(() => undefined);
    };
    let report: IngestReport;
    try {
      report = await deps.indexer.run(`upload ${relative}`);
    } catch (error) {
      // Never leave a file in uploads/ that the index could not take (every later re-index would trip on it).
      await rollback();
      return { ok: false, problems: [`Không nạp được tài liệu (${error instanceof Error ? error.message : String(error)}).`] };
    }
    const failure = report.failed.find((f) => f.file === relative);
    if (failure) {
      await rollback();
      if (failure.refused) return { ok: false, problems: [`Tệp bị từ chối: ${failure.reason}.`], refused: failure.reason };
      return { ok: false, problems: [`Không nạp được tài liệu (${failure.reason}).`] };
    }
    await rm(from, { force: true });
    await audit(req, 'document.publish', `document:${loaded.id}`, { file: relative, sidecar: sidecar ? path.basename(sidecar) : null });
    await flash(deps, req, { kind: 'ok', text: `Đã nạp tài liệu “${loaded.title}” vào kho tri thức.` });
    return { ok: true, docId: loaded.id };
  }

  // ── one document ──────────────────────────────────────────────────────────────────────────────────
  router.get('/doc/:id', async (req, res) => {
    const doc = await findDoc(stringParam(req, 'id'));
    if (!doc) return notFound(req, res);
    const passages = await app.kb.store.documentPassages(doc.id);
    const m = doc.meta;
    const isMarkdown = /\.(md|markdown)$/i.test(doc.sourcePath);
    await sendPage(req, res, {
      title: m.title,
      nav: 'knowledge',
      body: html`
      ${isAwaitingReview(doc)
        ? html`<p class="flash flash-error ocr-caution">Tài liệu đọc bằng nhận dạng chữ (OCR) từ bản quét, đang chờ duyệt: chưa được dùng để trả lời.
            <a href="/console/knowledge/review/${m.id}">Đối chiếu với bản quét và xác nhận</a></p>`
        : doc.ocr
          ? html`<p class="muted ocr-note">Văn bản đọc bằng nhận dạng chữ (OCR) từ bản quét; ${doc.ocr.acceptedBy ?? ''} đã xác nhận lúc ${formatDateTime(doc.ocr.acceptedAt)}.</p>`
          : ''}
      <dl class="meta card">
        <dt>Mã</dt><dd>${m.id}</dd>
        <dt>Tệp</dt><dd>${doc.sourcePath}</dd>
        <dt>Loại</dt><dd>${label(DOC_TYPES, m.doc_type)}</dd>
        <dt>Số hiệu</dt><dd>${m.doc_number ?? ''}</dd>
        <dt>Nhãn trích dẫn</dt><dd>${m.citation ?? ''}</dd>
        <dt>Tình trạng</dt><dd>${label(DOCUMENT_STATUS_LABELS, m.status)}${m.superseded_by ? ` — thay thế bởi ${m.superseded_by}` : ''}</dd>
        <dt>Xác minh</dt><dd>${m.verified ? 'Đã đối chiếu văn bản gốc' : 'Chưa xác minh'}</dd>
        <dt>Ngày rà soát</dt><dd>${formatDate(m.reviewed) || 'Chưa có'} ${isStale(m.reviewed, deps.now()) ? html`<span class="badge warn">Cần rà soát lại</span>` : ''}</dd>
        <dt>Chủ đề</dt><dd>${(m.topic ?? []).map((t) => html`<a class="pill" href="/console/knowledge?topic=${t}#documents" title="${t}">${topicLabel(t)}</a> `)}</dd>
        <dt>Nguồn chính thức</dt><dd>${linkList(m.source_url)}</dd>
        <dt>Bản sao tham khảo</dt><dd>${linkList(m.secondary_sources) || 'Không có'}</dd>
        ${m.amounts?.length
          ? html`<dt>Số tiền và thời gian áp dụng</dt><dd>${m.amounts.map(
              (a) => html`${a.value} — ${a.what}; từ ${formatDate(a.from)}${a.to ? html` đến ${formatDate(a.to)}` : ''} (${a.basis})<br>`,
            )}</dd>`
          : ''}
        ${notesOf(m.notes) ? html`<dt>Ghi chú cho quản trị</dt><dd class="notes">${notesOf(m.notes)}</dd>` : ''}
      </dl>
      <div class="actions">
        ${isMarkdown ? html`<a class="button secondary" href="/console/knowledge/doc/${m.id}/edit">Sửa nội dung</a>` : ''}
        <form method="post" action="/console/knowledge/doc/${m.id}/status" class="inline row">
          ${csrfField(req)}
          ${statusSelect(m.status)}
          <input name="superseded_by" value="${m.superseded_by ?? ''}" placeholder="Bị thay thế bởi (số hiệu)" aria-label="Bị thay thế bởi">
          <button type="submit" class="secondary">Đổi tình trạng</button>
        </form>
        ${actionButton(req, `/console/knowledge/doc/${m.id}/delete`, 'Xóa tài liệu', { confirm: 'Xóa hẳn tài liệu này khỏi kho tri thức?', className: 'danger' })}
      </div>
      <h2>Các đoạn đã chia (${passages.length})</h2>
      <ol class="passages">
        ${passages.map(
          (p) => html`<li id="p${p.ordinal}"><div class="citation">${p.citation}</div>
            ${p.heading ? html`<div class="muted">${p.heading}</div>` : ''}
            <div class="text">${p.text}</div></li>`,
        )}
      </ol>`,
    });
  });

  router.get('/doc/:id/edit', async (req, res) => {
    const doc = await findDoc(stringParam(req, 'id'));
    const file = doc && fileOf(doc);
    if (!doc || !file) return notFound(req, res);
    if (!/\.(md|markdown)$/i.test(file)) {
      await flash(deps, req, { kind: 'error', text: 'Chỉ sửa trực tiếp được tài liệu Markdown (.md).' });
      res.redirect(303, `/console/knowledge/doc/${encodeURIComponent(doc.id)}`);
      return;
    }
    const parts = splitFrontMatter(await readFile(file, 'utf8')) ?? { yaml: '', body: '' };
    await renderEdit(req, res, doc, parts.yaml, parts.body);
  });

  async function renderEdit(req: Request, res: Response, doc: StoredDocument, yaml: string, body: string, problems: string[] = []) {
    await sendPage(
      req,
      res,
      {
        title: `Sửa: ${doc.meta.title}`,
        nav: 'knowledge',
        flash: problems.length ? { kind: 'error', text: problems.join(' ') } : undefined,
        body: html`<form method="post" action="/console/knowledge/doc/${doc.id}/edit" class="card">
          ${csrfField(req)}
          <label>Thông tin tài liệu (front matter YAML) <textarea name="front_matter" rows="14" class="mono" spellcheck="false">${yaml}</textarea></label>
          <label>Nội dung (Markdown; mỗi mục “##” nên đọc riêng vẫn hiểu) <textarea name="body" rows="24" class="mono">${body}</textarea></label>
          <button type="submit">Lưu và lập chỉ mục lại</button>
          <a href="/console/knowledge/doc/${doc.id}">Hủy</a>
        </form>`,
      },
      problems.length ? 400 : 200,
    );
  }

  router.post('/doc/:id/edit', requireCsrf, async (req, res) => {
    const doc = await findDoc(stringParam(req, 'id'));
    const file = doc && fileOf(doc);
    if (!doc || !file || !/\.(md|markdown)$/i.test(file)) return notFound(req, res);
    const body = req.body as Record<string, unknown>;
    const yaml = typeof body['front_matter'] === 'string' ? body['front_matter'].normalize('NFC').replace(/\r\n?/g, '\n') : '';
    const text = typeof body['body'] === 'string' ? body['body'].normalize('NFC').replace(/\r\n?/g, '\n') : '';
    const content = joinFrontMatter(yaml, text);
    const checkDir = path.join(path.dirname(file), `.check-${process.pid}-${Date.now()}`);
    let meta: DocumentMeta;
    try {
      await mkdir(checkDir, { recursive: true });
      await writeFile(path.join(checkDir, path.basename(file)), content);
      meta = (await app.kb.parser.parse(path.join(checkDir, path.basename(file)), checkDir)).doc.meta;
    } catch (error) {
      await renderEdit(req, res, doc, yaml, text, [loadProblem(error)]);
      return;
    } finally {
      await rm(checkDir, { recursive: true, force: true });
    }
    if (meta.id !== doc.id) {
      await renderEdit(req, res, doc, yaml, text, [`Không được đổi mã tài liệu (đang là “${doc.id}”).`]);
      return;
    }
    await writeAtomic(file, content);
    const report = await deps.indexer.run(`edit ${doc.sourcePath}`);
    const failure = report.failed.find((f) => f.file === doc.sourcePath);
    await audit(req, 'document.edit', `document:${doc.id}`, { file: doc.sourcePath, chars: content.length });
    await flash(deps, req, failure ? { kind: 'error', text: `Đã lưu nhưng chưa nạp được (${failure.reason}).` } : { kind: 'ok', text: 'Đã lưu và lập chỉ mục lại tài liệu.' });
    res.redirect(303, `/console/knowledge/doc/${encodeURIComponent(doc.id)}`);
  });

  router.post('/doc/:id/status', requireCsrf, async (req, res) => {
    const doc = await findDoc(stringParam(req, 'id'));
    const file = doc && fileOf(doc);
    if (!doc || !file) return notFound(req, res);
    const status = field(req, 'status');
    const supersededBy = field(req, 'superseded_by');
    if (!(DOCUMENT_STATUSES as readonly string[]).includes(status)) {
      await flash(deps, req, { kind: 'error', text: 'Tình trạng không hợp lệ.' });
    } else if (status === 'superseded' && !supersededBy) {
      await flash(deps, req, { kind: 'error', text: 'Tài liệu đã bị thay thế phải ghi văn bản thay thế (ô “Bị thay thế bởi”).' });
    } else {
      const replacedBy = status === 'superseded' || status === 'partly_superseded' ? supersededBy || undefined : undefined;
      const check = documentMetaSchema.safeParse({ ...doc.meta, status, superseded_by: replacedBy });
      if (!check.success) {
        await flash(deps, req, { kind: 'error', text: 'Thông tin tài liệu không hợp lệ sau khi đổi tình trạng.' });
      } else {
        await editMetadata(file, { status, superseded_by: replacedBy });
        await deps.indexer.run(`status ${doc.sourcePath}`);
        await audit(req, 'document.status', `document:${doc.id}`, { from: doc.meta.status, to: status, supersededBy: supersededBy || null });
        await flash(deps, req, { kind: 'ok', text: `Đã chuyển tài liệu sang tình trạng “${label(DOCUMENT_STATUS_LABELS, status)}”.` });
      }
    }
    res.redirect(303, `/console/knowledge/doc/${encodeURIComponent(doc.id)}`);
  });

  router.post('/doc/:id/delete', requireCsrf, async (req, res) => {
    const doc = await findDoc(stringParam(req, 'id'));
    const file = doc && fileOf(doc);
    if (!doc || !file) return notFound(req, res);
    const removed: string[] = [];
    for (const candidate of [file, ...sidecarCandidates(file)]) {
      const gone = await rm(candidate).then(
        () => true,
        () => false,
      );
      if (gone) removed.push(path.relative(root, candidate));
    }
    await deps.indexer.run(`delete ${doc.sourcePath}`);
    await audit(req, 'document.delete', `document:${doc.id}`, { files: removed, title: doc.meta.title });
    await flash(deps, req, { kind: 'ok', text: `Đã xóa tài liệu “${doc.meta.title}”.` });
    res.redirect(303, '/console/knowledge');
  });

  // ── re-index ──────────────────────────────────────────────────────────────────────────────────────
  router.post('/reindex', requireCsrf, async (req, res) => {
    const started = !deps.indexer.running;
    if (started) {
      deps.indexer.run('reindex').catch(() => undefined);
      await audit(req, 'knowledge.reindex', 'knowledge');
    }
    if ((req.get('accept') ?? '').includes('application/json')) {
      res.status(202).json({ started, progress: deps.indexer.progress() });
      return;
    }
    await flash(deps, req, { kind: 'ok', text: started ? 'Đã bắt đầu lập chỉ mục lại.' : 'Đang lập chỉ mục, vui lòng chờ.' });
    res.redirect(303, '/console/knowledge');
  });

  router.get('/reindex/progress', (_req, res) => {
    const progress = deps.indexer.progress();
    res.set('Cache-Control', 'no-store').json({ ...progress, text: progressText(progress) });
  });

  // ── query panel ───────────────────────────────────────────────────────────────────────────────────
  router.get('/query', async (req, res) => {
    const q = queryParam(req, 'q').slice(0, 500);
    const searcher = await app.kb.searcher();
    const result = q ? await searcher.search(q, 8) : undefined;
    await sendPage(req, res, {
      title: 'Thử truy vấn',
      nav: 'knowledge',
      body: html`<form method="get" action="/console/knowledge/query" class="row card">
          <input type="search" name="q" value="${q}" placeholder="Nhập câu hỏi" required aria-label="Câu hỏi">
          <button type="submit">Tìm</button>
        </form>
        ${result
          ? html`<p class="muted">Câu hỏi sau khi mở rộng viết tắt: “${result.expandedQuery}”${result.typedWithDiacritics ? '' : ' (gõ không dấu)'}.</p>
            <div class="table-wrap"><table class="responsive scores">
              <thead><tr><th>#</th><th>Đoạn văn</th><th>Điểm tổng hợp</th><th>Điểm BM25F</th><th>Độ tương đồng cosin</th></tr></thead>
              <tbody>${result.hits.map(
                (h, i) => html`<tr>
                  <td class="rank" data-label="Hạng">${i + 1}</td>
                  <td data-label="Đoạn văn"><a href="/console/knowledge/doc/${h.passage.docId}#p${h.passage.ordinal}">${h.passage.citation}</a>
                    <div class="snippet">${clip(h.passage.text, 400)}</div></td>
                  <td class="num" data-label="Điểm tổng hợp">${formatScore(h.score)}</td>
                  <td class="num" data-label="BM25F">${formatScore(h.lexicalScore, 2)}</td>
                  <td class="num" data-label="Cosin">${formatScore(h.vectorSimilarity)}</td>
                </tr>`,
              )}</tbody>
            </table></div>
            ${result.hits.length === 0 ? html`<p>Không tìm thấy đoạn nào.</p>` : ''}`
          : ''}`,
    });
  });

  async function notFound(req: Request, res: Response): Promise<void> {
    await sendPage(req, res, { title: 'Không tìm thấy tài liệu', nav: 'knowledge', body: html`<p><a href="/console/knowledge">Về danh sách tài liệu</a></p>` }, 404);
  }

  return router;
}

function sidecarName(name: string): string {
  return `${name.slice(0, name.length - path.extname(name).length)}.meta.yaml`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** What the admin is told about a file refused by the parse thread (it has been removed). */
function refusedText(name: string, reason: string): string {
  return `Tệp “${name}” bị từ chối và đã được xóa: ${reason}.`;
}

function loadProblem(error: unknown): string {
  if (error instanceof DocumentLoadError && error.refused) return `Tệp bị từ chối: ${error.reason}.`;
  if (error instanceof DocumentLoadError) return `Tài liệu chưa hợp lệ: ${error.reason}.`;
  return `Tài liệu chưa hợp lệ: ${error instanceof Error ? error.message : String(error)}.`;
}


function stringParam(req: Request, name: string): string | undefined {
  const value = req.params[name];
  return typeof value === 'string' ? value : undefined;
}

/** Links, one a line (only http(s) addresses become links). */
function linkList(urls: readonly string[] | undefined): SafeHtml | '' {
  if (!urls?.length) return '';
  return html`${urls.map((u) => {
    const href = safeHref(u);
    return href ? html`<a href="${href}" rel="noopener noreferrer" target="_blank">${u}</a><br>` : html`${u}<br>`;
  })}`;
}

function notesOf(notes: string | readonly string[] | undefined): string {
  if (notes === undefined) return '';
  return (typeof notes === 'string' ? notes : notes.join('\n')).trim();
}
