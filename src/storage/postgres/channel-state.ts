import type { PgDatabase } from './pg-database.js';

/**
 * Small persisted values a channel needs across restarts (e.g. Zalo OA tokens), on PostgreSQL: the
 * ChannelStateStore of src/channels/channel-state.ts, with the SQLite store's behaviour (last write wins).
 */
export class PgChannelStateStore {
  constructor(private readonly db: PgDatabase) {}

  async get(channel: string, key: string): Promise<string | undefined> {
    const row = await this.db.get<{ value: string }>('SELECT value FROM channel_state WHERE channel = $1 AND key = $2', [channel, key]);
    return row?.value;
  }

  async set(channel: string, key: string, value: string): Promise<void> {
    await this.db.run(
      `INSERT INTO channel_state (channel, key, value, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (channel, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [channel, key, value, new Date().toISOString()],
    );
  }
}
