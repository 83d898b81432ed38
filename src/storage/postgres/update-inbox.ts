import type { ClaimOptions, UnfinishedUpdate } from '../update-inbox.js';
import { SqlUpdateInbox, toUnfinishedUpdates, type ClaimedRow } from '../shared/inbox.js';

/**
 * The durable inbox of platform updates on PostgreSQL, with the SQLite inbox's behaviour. Several
 * instances share it: the one that stores an update holds it for a lease; a claim of abandoned updates
 * locks the rows it takes (`FOR UPDATE SKIP LOCKED`), so two instances sweeping at once split them. Lease
 * times are the instances' clocks: keep them in step (NTP), a skew eats into the lease.
 */
export class PgUpdateInbox extends SqlUpdateInbox {
  protected readonly jsonRows = 'jsonb_array_elements(CAST(? AS jsonb)) WITH ORDINALITY AS batch(value, key)';

  async claimAbandoned(channel: string, options: ClaimOptions = {}): Promise<UnfinishedUpdate[]> {
    const now = this.now();
    const rows = await this.sql.all<ClaimedRow>(
      `UPDATE processed_updates AS p SET claimed_by = $1, lease_until = $2, attempts = p.attempts + 1
       FROM (
         SELECT channel, update_id FROM processed_updates
         WHERE channel = $3 AND done_at IS NULL AND (lease_until IS NULL OR lease_until <= $4 OR ($5::int = 1 AND claimed_by = $1))
         ORDER BY received_at, seq LIMIT $6
         FOR UPDATE SKIP LOCKED
       ) AS c
       WHERE p.channel = c.channel AND p.update_id = c.update_id
       RETURNING p.update_id, p.payload_json, p.received_at, p.attempts, p.seq`,
      [this.instanceId, this.leaseEnd(now), channel, now.toISOString(), options.atStart ? 1 : 0, options.limit ?? null],
    );
    return toUnfinishedUpdates(rows);
  }
}
