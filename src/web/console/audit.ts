import type { Database } from '../../storage/database.js';

/** One change made through the console. The table refuses UPDATE and DELETE. */
export interface AuditEntry {
  id: number;
  at: string;
  accountId?: number;
  /** The account's e-mail at the time (or "hệ thống"). */
  actor: string;
  /** e.g. `document.upload`, `ticket.answer`, `user.update`. */
  action: string;
  /** What was changed, e.g. `document:tt-mai-tang`, `ticket:12`. */
  target?: string;
  detail: Record<string, unknown>;
}

/** A line of the merged journal: a console change or a ticket event. */
export interface JournalLine {
  source: 'console' | 'ticket';
  at: string;
  actor: string;
  action: string;
  target?: string;
  detail: Record<string, unknown>;
}

interface Row {
  id: number;
  at: string;
  account_id: number | null;
  actor: string;
  action: string;
  target: string | null;
  detail_json: string;
}

function parseDetail(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The console's append-only audit log (table `web_audit`). */
export class AuditLog {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(entry: { accountId?: number; actor: string; action: string; target?: string; detail?: Record<string, unknown> }): Promise<void> {
    await this.db.run('INSERT INTO web_audit (at, account_id, actor, action, target, detail_json) VALUES (?, ?, ?, ?, ?, ?)', [
      this.now().toISOString(),
      entry.accountId ?? null,
      entry.actor,
      entry.action,
      entry.target ?? null,
      JSON.stringify(entry.detail ?? {}),
    ]);
  }

  async list(limit = 200): Promise<AuditEntry[]> {
    const rows = await this.db.all<Row>('SELECT * FROM web_audit ORDER BY id DESC LIMIT ?', [limit]);
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      ...(r.account_id !== null && { accountId: r.account_id }),
      actor: r.actor,
      action: r.action,
      ...(r.target !== null && { target: r.target }),
      detail: parseDetail(r.detail_json),
    }));
  }

  /** Console changes and ticket events together, newest first. */
  async journal(limit = 300): Promise<JournalLine[]> {
    const rows = await this.db.all<{ source: 'console' | 'ticket'; at: string; actor: string; action: string; target: string | null; detail_json: string }>(
      `SELECT * FROM (
         SELECT 'console' AS source, at, actor, action, target, detail_json, id AS seq FROM web_audit
         UNION ALL
         SELECT 'ticket' AS source, at, actor, action, 'ticket:' || ticket_id AS target, detail_json, id AS seq FROM ticket_events
       ) ORDER BY at DESC, seq DESC LIMIT ?`,
      [limit],
    );
    return rows.map((r) => ({
      source: r.source,
      at: r.at,
      actor: r.actor,
      action: r.action,
      ...(r.target !== null && { target: r.target }),
      detail: parseDetail(r.detail_json),
    }));
  }
}
