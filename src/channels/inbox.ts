import type { Database } from '../storage/database.js';

/** An update taken by a webhook or a polling loop whose handling never finished. */
export interface UnfinishedUpdate {
  updateId: string;
  payload: unknown;
  receivedAt: string;
}

/**
 * The durable inbox of platform updates. An update is stored before the platform is told it arrived,
 * so one acknowledged and then lost to a crash is handled at the next start; and it is stored once, so
 * a re-delivery is answered once.
 */
export interface UpdateInbox {
  /**
   * Stores the update: true the first time (channel, id) is seen, false for a repeat. Throws when it
   * cannot be stored (disk full, database locked): the caller must then not acknowledge the update.
   */
  accept(channel: string, updateId: string, payload: unknown): Promise<boolean>;
  /** The update was handled (answered, escalated, or deliberately ignored). */
  done(channel: string, updateId: string): Promise<void>;
  /** Updates of `channel` accepted but not done, oldest first. */
  unfinished(channel: string): Promise<UnfinishedUpdate[]>;
}

export class SqliteUpdateInbox implements UpdateInbox {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async accept(channel: string, updateId: string, payload: unknown): Promise<boolean> {
    const { changes } = await this.db.run(
      'INSERT OR IGNORE INTO processed_updates (channel, update_id, received_at, payload_json) VALUES (?, ?, ?, ?)',
      [channel, updateId, this.now().toISOString(), JSON.stringify(payload) ?? null],
    );
    return changes === 1;
  }

  async done(channel: string, updateId: string): Promise<void> {
    // The payload is only needed until then.
    await this.db.run('UPDATE processed_updates SET done_at = ?, payload_json = NULL WHERE channel = ? AND update_id = ?', [
      this.now().toISOString(),
      channel,
      updateId,
    ]);
  }

  async unfinished(channel: string): Promise<UnfinishedUpdate[]> {
    const rows = await this.db.all<{ update_id: string; payload_json: string | null; received_at: string }>(
      'SELECT update_id, payload_json, received_at FROM processed_updates WHERE channel = ? AND done_at IS NULL ORDER BY received_at, rowid',
      [channel],
    );
    return rows.map((r) => ({ updateId: r.update_id, payload: r.payload_json === null ? null : (JSON.parse(r.payload_json) as unknown), receivedAt: r.received_at }));
  }

  /** Forgets handled updates older than `maxAgeMs` (platforms stop re-delivering long before). */
  async prune(maxAgeMs: number): Promise<number> {
    const cutoff = new Date(this.now().getTime() - maxAgeMs).toISOString();
    const { changes } = await this.db.run('DELETE FROM processed_updates WHERE received_at < ? AND done_at IS NOT NULL', [cutoff]);
    return changes;
  }
}
