import { UnstorableUpdateError, type UnfinishedUpdate, type UpdateInbox } from '../update-inbox.js';
import type { PgDatabase } from './pg-database.js';

/**
 * The durable inbox of platform updates on PostgreSQL, with the SQLite inbox's behaviour: an update is
 * new once per (channel, id) — whichever instance stores it first; an update the inbox forgot whose source
 * key the question log or a ticket bears is a repeat. One statement per call: PostgreSQL runs statements
 * of different connections side by side, so the batching the single SQLite connection needed is left out.
 */
export class PgUpdateInbox implements UpdateInbox {
  constructor(
    private readonly db: PgDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async accept(channel: string, updateId: string, payload: unknown): Promise<boolean> {
    let json: string | null;
    try {
      json = JSON.stringify(payload) ?? null;
    } catch (error) {
      throw new UnstorableUpdateError(error);
    }
    // The source-key checks use the unique partial indexes question_log_source and tickets_source.
    const rows = await this.db.all<{ update_id: string }>(
      `INSERT INTO processed_updates (channel, update_id, received_at, payload_json)
       SELECT $1::text, $2::text, $3::text, $4::text
       WHERE NOT EXISTS (SELECT 1 FROM question_log WHERE source_key = $1::text || ':' || $2::text)
         AND NOT EXISTS (SELECT 1 FROM tickets WHERE source_key = $1::text || ':' || $2::text)
       ON CONFLICT (channel, update_id) DO NOTHING
       RETURNING update_id`,
      [channel, updateId, this.now().toISOString(), json],
    );
    return rows.length === 1;
  }

  /** The payload is only needed until then. */
  async done(channel: string, updateId: string): Promise<void> {
    await this.db.run('UPDATE processed_updates SET done_at = $1, payload_json = NULL WHERE channel = $2 AND update_id = $3', [
      this.now().toISOString(),
      channel,
      updateId,
    ]);
  }

  async unfinished(channel: string): Promise<UnfinishedUpdate[]> {
    const rows = await this.db.all<{ update_id: string; payload_json: string | null; received_at: string }>(
      'SELECT update_id, payload_json, received_at FROM processed_updates WHERE channel = $1 AND done_at IS NULL ORDER BY received_at, seq',
      [channel],
    );
    return rows.map((r) => ({ updateId: r.update_id, payload: r.payload_json === null ? null : (JSON.parse(r.payload_json) as unknown), receivedAt: r.received_at }));
  }

  /** Forgets handled updates older than `maxAgeMs` (platforms stop re-delivering long before). */
  async prune(maxAgeMs: number): Promise<number> {
    const cutoff = new Date(this.now().getTime() - maxAgeMs).toISOString();
    const { changes } = await this.db.run('DELETE FROM processed_updates WHERE received_at < $1 AND done_at IS NOT NULL', [cutoff]);
    return changes;
  }
}
