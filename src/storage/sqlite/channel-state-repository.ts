import type { ChannelStateStore } from '../channel-state.js';
import type { Database } from '../database.js';

/** Small values channels keep across restarts (table `channel_state`), SQLite. */
export class SqliteChannelStateStore implements ChannelStateStore {
  constructor(private readonly db: Database) {}

  async get(channel: string, key: string): Promise<string | undefined> {
    const row = await this.db.get<{ value: string }>('SELECT value FROM channel_state WHERE channel = ? AND key = ?', [channel, key]);
    return row?.value;
  }

  async set(channel: string, key: string, value: string): Promise<void> {
    await this.db.run(
      `INSERT INTO channel_state (channel, key, value, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (channel, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [channel, key, value, new Date().toISOString()],
    );
  }
}
