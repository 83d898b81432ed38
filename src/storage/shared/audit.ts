import type { SqlRunner } from './sql.js';
import type { AuditEntry, AuditRepository, JournalLine } from '../ports.js';

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

/** The console's audit log (table `web_audit`) and the journal merged with `ticket_events`: the same SQL on both engines. */
export class SqlAuditRepository implements AuditRepository {
  constructor(private readonly db: SqlRunner) {}

  async append(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.db.run('INSERT INTO web_audit (at, account_id, actor, action, target, detail_json) VALUES (?, ?, ?, ?, ?, ?)', [
      entry.at,
      entry.accountId ?? null,
      entry.actor,
      entry.action,
      entry.target ?? null,
      JSON.stringify(entry.detail),
    ]);
  }

  async list(limit: number): Promise<AuditEntry[]> {
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

  async journal(limit: number): Promise<JournalLine[]> {
    const rows = await this.db.all<{ source: 'console' | 'ticket'; at: string; actor: string; action: string; target: string | null; detail_json: string }>(
      `SELECT * FROM (
         SELECT 'console' AS source, at, actor, action, target, detail_json, id AS seq FROM web_audit
         UNION ALL
         SELECT 'ticket' AS source, at, actor, action, 'ticket:' || ticket_id AS target, detail_json, id AS seq FROM ticket_events
       ) AS journal ORDER BY at DESC, seq DESC LIMIT ?`,
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
