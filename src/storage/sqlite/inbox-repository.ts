import type { ClaimOptions, UnfinishedUpdate } from '../update-inbox.js';
import { SqlUpdateInbox, toUnfinishedUpdates, type ClaimedRow } from '../shared/inbox.js';

/**
 * The durable inbox of platform updates (table `processed_updates`), SQLite. One process uses the file, so
 * at a channel's start every unfinished update is its own to take again (see ClaimOptions.atStart); the
 * leases otherwise work as on PostgreSQL (each statement runs alone on the single connection).
 */
export class SqliteUpdateInbox extends SqlUpdateInbox {
  protected readonly jsonRows = 'json_each(?)';

  async claimAbandoned(channel: string, options: ClaimOptions = {}): Promise<UnfinishedUpdate[]> {
    const now = this.now();
    const rows = await this.sql.all<ClaimedRow>(
      `UPDATE processed_updates SET claimed_by = ?, lease_until = ?, attempts = attempts + 1
       WHERE rowid IN (
         SELECT rowid FROM processed_updates
         WHERE channel = ? AND done_at IS NULL AND (? OR lease_until IS NULL OR lease_until <= ?)
         ORDER BY received_at, rowid LIMIT ?)
       RETURNING update_id, payload_json, received_at, attempts, rowid AS seq`,
      [this.instanceId, this.leaseEnd(now), channel, options.atStart ? 1 : 0, now.toISOString(), options.limit ?? -1],
    );
    return toUnfinishedUpdates(rows);
  }
}
