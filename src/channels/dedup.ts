import type { Database } from '../storage/database.js';

/** Remembers which platform updates were already taken, so a re-delivery is answered once. */
export interface UpdateDeduplicator {
  /** True the first time (channel, id) is seen; false for a repeat. */
  firstTime(channel: string, updateId: string): Promise<boolean>;
}

export class SqliteUpdateDeduplicator implements UpdateDeduplicator {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async firstTime(channel: string, updateId: string): Promise<boolean> {
    const { changes } = await this.db.run(
      'INSERT OR IGNORE INTO processed_updates (channel, update_id, received_at) VALUES (?, ?, ?)',
      [channel, updateId, this.now().toISOString()],
    );
    return changes === 1;
  }

  /** Forgets updates older than `maxAgeMs` (platforms stop re-delivering long before). */
  async prune(maxAgeMs: number): Promise<number> {
    const cutoff = new Date(this.now().getTime() - maxAgeMs).toISOString();
    const { changes } = await this.db.run('DELETE FROM processed_updates WHERE received_at < ?', [cutoff]);
    return changes;
  }
}
