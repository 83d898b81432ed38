import express, { type Request, type Router } from 'express';
import { checkFormFile, FormFileError } from '../../forms/form-file.js';
import type { Form } from '../../forms/types.js';
import { formatDateTime, html } from '../shared/html.js';
import { flash, requireCsrf } from './auth.js';
import { accountOf, type ConsoleDeps } from './context.js';
import { actionButton, csrfField, fileInput, sendPage } from './layout.js';
import { singleFileUpload } from './single-upload.js';

const BACK = '/console/forms';

/**
 * The "Biểu mẫu" page (admins only): every form of the registry with its legal basis and the articles that
 * use it, and per form the official file — uploaded (.pdf or .docx, checked by its first bytes, within
 * FORM_FILE_MAX_MB), replaced or removed. Each change is in the audit log; the bot sends the file from then on.
 */
export function formsRouter(deps: ConsoleDeps): Router {
  const router = express.Router();
  const store = deps.app.repos.forms;
  const maxBytes = deps.app.config.forms.maxFileBytes;
  const maxText = `${(maxBytes / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MB`;
  const upload = singleFileUpload(deps, { maxBytes, back: BACK, tooLarge: `Tệp quá lớn: tệp biểu mẫu tối đa ${maxText} (FORM_FILE_MAX_MB).` });
  const audit = (req: Request, action: string, number: string, detail: Record<string, unknown> = {}) => {
    const account = accountOf(req);
    return deps.audit.record({ accountId: account.id, actor: account.email, action, target: `form:${number}`, detail });
  };
  const back = async (req: Request, res: express.Response, kind: 'ok' | 'error', text: string) => {
    await flash(deps, req, { kind, text });
    res.redirect(303, `${BACK}#mau-${encodeURIComponent(String(req.params.number ?? ''))}`);
  };

  router.get('/', async (req, res) => {
    const forms = await store.list();
    const withFile = forms.filter((f) => f.file).length;
    await sendPage(req, res, {
      title: 'Biểu mẫu',
      nav: 'forms',
      body: html`
      <p>Các mẫu đơn, bản khai trong danh mục (Phụ lục I Nghị định 131/2021/NĐ-CP). Khi có tệp, người dùng gõ <code>/mau 12</code>
        hoặc bấm “Gửi Mẫu số 12” dưới câu trả lời để nhận tệp; khi chưa có tệp, Trợ lý Xã chỉ nêu tên mẫu và nơi công bố.
        Chỉ tải lên tệp chính thức (.pdf hoặc .docx, tối đa ${maxText}).</p>
      <p class="muted">${withFile} trên ${forms.length} mẫu đã có tệp.</p>
      <div class="table-wrap"><table class="responsive forms">
        <thead><tr><th>Mẫu số</th><th>Tên mẫu</th><th>Căn cứ</th><th>Tệp</th><th>Thao tác</th></tr></thead>
        <tbody>${forms.map((form) => formRow(req, form, maxText))}</tbody>
      </table></div>`,
    });
  });

  router.post('/:number/file', upload, requireCsrf, async (req, res) => {
    const number = String(req.params.number);
    const form = await store.get(number);
    if (!form) return back(req, res, 'error', `Không có Mẫu số ${number} trong danh mục.`);
    if (!req.file) return back(req, res, 'error', 'Chưa chọn tệp để tải lên.');
    try {
      const account = accountOf(req);
      const file = checkFormFile({ number, originalName: req.file.originalname, bytes: req.file.buffer, maxBytes, uploadedBy: account.email, now: deps.now() });
      await store.putFile(number, file);
      await audit(req, form.file ? 'form.replace' : 'form.upload', number, { original: req.file.originalname.slice(0, 200), bytes: file.size, sha256: file.sha256 });
      return back(req, res, 'ok', `Đã ${form.file ? 'thay' : 'tải lên'} tệp Mẫu số ${number} (${file.fileName}).`);
    } catch (error) {
      if (!(error instanceof FormFileError)) throw error;
      return back(req, res, 'error', `Tệp cho Mẫu số ${number} bị từ chối: ${error.message}`);
    }
  });

  router.post('/:number/file/remove', requireCsrf, async (req, res) => {
    const number = String(req.params.number);
    if (!(await store.removeFile(number))) return back(req, res, 'error', `Mẫu số ${number} chưa có tệp.`);
    await audit(req, 'form.remove', number);
    return back(req, res, 'ok', `Đã gỡ tệp Mẫu số ${number}; Trợ lý Xã sẽ chỉ nêu nơi công bố mẫu này.`);
  });

  return router;
}

function formRow(req: Request, form: Form, maxText: string) {
  const file = form.file;
  return html`<tr id="mau-${form.number}">
    <td data-label="Mẫu số">${form.number}</td>
    <td data-label="Tên mẫu">${form.name}</td>
    <td data-label="Căn cứ">${form.legalBasis}${form.procedures.length ? html`<br><small class="muted">${form.procedures.join('; ')}</small>` : ''}</td>
    <td data-label="Tệp">${file
      ? html`${file.fileName} (${Math.ceil(file.size / 1024)} KB)<br><small class="muted">${file.uploadedBy}, ${formatDateTime(file.uploadedAt)}</small>`
      : html`<span class="badge warn">Chưa có tệp</span>`}</td>
    <td data-label="Thao tác">
      <form method="post" action="/console/forms/${form.number}/file" enctype="multipart/form-data" class="row">
        ${csrfField(req)}
        <label>${file ? 'Thay tệp' : 'Tải tệp'} .pdf/.docx (tối đa ${maxText}) ${fileInput({ name: 'file', accept: '.pdf,.docx', required: true })}</label>
        <button type="submit">${file ? 'Thay' : 'Tải lên'}</button>
      </form>
      ${file ? actionButton(req, `/console/forms/${form.number}/file/remove`, 'Gỡ tệp', { confirm: `Gỡ tệp Mẫu số ${form.number}?` }) : ''}
    </td>
  </tr>`;
}
