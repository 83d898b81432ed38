import express, { type Response, type Router } from 'express';
import { accountOf, type ConsoleDeps, queryParam } from './context.js';
import { CHANNEL_LABELS, FEEDBACK_LABELS, label, reasonText, STAGE_LABELS, TICKET_STATUS_LABELS } from './labels.js';
import { periodFrom } from './stats.js';

export type CsvValue = string | number | null | undefined;

/**
 * One CSV field: numbers as they are; text quoted when it holds a comma, quote, line break or edge spaces,
 * with quotes doubled. Text that a spreadsheet would run as a formula (= + - @ tab CR first) is prefixed with '.
 */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document with a UTF-8 byte-order mark (so Excel reads Vietnamese) and CRLF line ends (RFC 4180). */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** An ISO instant as Vietnam local time, `YYYY-MM-DD HH:MM:SS` (a form spreadsheets read as a date). */
export function csvDateTime(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms + 7 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

function sendCsv(res: Response, name: string, csv: string): void {
  res
    .status(200)
    .set('Content-Type', 'text/csv; charset=utf-8')
    .set('Content-Disposition', `attachment; filename="${name}"`)
    .set('Cache-Control', 'no-store')
    .send(csv);
}

/** `GET /console/export/tickets.csv` and `GET /console/export/questions.csv?from&to` (admins only). */
export function exportsRouter(deps: ConsoleDeps): Router {
  const router = express.Router();
  const { app } = deps;

  router.get('/tickets.csv', async (req, res) => {
    const tickets = await app.escalation.listTickets();
    const users = new Map((await app.stores.users.list()).map((u) => [u.id, u.displayName]));
    const rows = tickets.map((t) => [
      t.id,
      label(TICKET_STATUS_LABELS, t.status),
      t.question,
      t.topic,
      reasonText(t.reason),
      t.confidence,
      label(CHANNEL_LABELS, t.asker.channel),
      t.asker.displayName,
      t.asker.commune,
      t.expertId === undefined ? undefined : (users.get(t.expertId) ?? `#${t.expertId}`),
      t.answer,
      csvDateTime(t.createdAt),
      csvDateTime(t.answeredAt),
      csvDateTime(t.relayedAt),
    ]);
    const account = accountOf(req);
    await deps.audit.record({ accountId: account.id, actor: account.email, action: 'export.tickets', target: 'tickets', detail: { rows: rows.length } });
    sendCsv(
      res,
      'phieu-hoi.csv',
      toCsv(
        ['Số phiếu', 'Trạng thái', 'Câu hỏi', 'Lĩnh vực', 'Lý do chuyển', 'Độ tin cậy', 'Kênh', 'Người hỏi', 'Xã', 'Chuyên gia', 'Câu trả lời', 'Tạo lúc (giờ Việt Nam)', 'Trả lời lúc', 'Gửi người hỏi lúc'],
        rows,
      ),
    );
  });

  router.get('/questions.csv', async (req, res) => {
    const period = periodFrom({ from: queryParam(req, 'from'), to: queryParam(req, 'to'), days: queryParam(req, 'days') }, deps.now());
    const start = new Date(Date.parse(`${period.from}T00:00:00+07:00`)).toISOString();
    const end = new Date(Date.parse(`${period.to}T00:00:00+07:00`) + 86_400_000).toISOString();
    const rows = await app.repos.reporting.questionsForExport({ start, end });
    const account = accountOf(req);
    await deps.audit.record({ accountId: account.id, actor: account.email, action: 'export.questions', target: 'question_log', detail: { ...period, rows: rows.length } });
    sendCsv(
      res,
      `cau-hoi-${period.from}-${period.to}.csv`,
      toCsv(
        ['Mã', 'Thời gian (giờ Việt Nam)', 'Kênh', 'Người hỏi', 'Xã', 'Câu hỏi', 'Cách trả lời', 'Độ tin cậy', 'Lý do chuyển', 'Phiếu', 'Câu trả lời mẫu', 'Tài liệu', 'Chủ đề', 'Phản hồi', 'Thời gian xử lý (ms)'],
        rows.map((r) => [
          r.id,
          csvDateTime(r.createdAt),
          label(CHANNEL_LABELS, r.channel),
          r.displayName,
          r.commune,
          r.question,
          label(STAGE_LABELS, r.stage),
          r.confidence,
          r.reason ? reasonText(r.reason) : null,
          r.ticketId,
          r.curatedId,
          r.docId,
          r.topic,
          r.feedback ? r.feedback.split(';').map((v) => label(FEEDBACK_LABELS, v)).join('; ') : null,
          r.latencyMs,
        ]),
      ),
    );
  });

  return router;
}
