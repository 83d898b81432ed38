import {
  DEFAULT_LEASE_MS,
  UnstorableUpdateError,
  type ClaimOptions,
  type InboxClaimant,
  type PrunableUpdateInbox,
  type UnfinishedUpdate,
} from '../update-inbox.js';
import type { PgDatabase } from './pg-database.js';

/**
 * The durable inbox of platform updates on PostgreSQL, with the SQLite inbox's behaviour: an update is
 * new once per (channel, id) — whichever instance stores it first; an update the inbox forgot whose source
 * key the question log or a ticket bears is a repeat. One statement per call: PostgreSQL runs statements
 * of different connections side by side, so the batching the single SQLite connection needed is left out.
 *
 * Several instances share it: the one that stores an update holds it for a lease; a claim of abandoned
 * updates locks the rows it takes (`FOR UPDATE SKIP LOCKED`), so two instances sweeping at once split
 * them. Lease times are the instances' clocks: keep them in step (NTP), a skew eats into the lease.
 */
export class PgUpdateInbox implements PrunableUpdateInbox {
  private readonly instanceId: string;
  private readonly leaseMs: number;

  constructor(
    private readonly db: PgDatabase,
    private readonly now: () => Date = () => new Date(),
    claimant: InboxClaimant = { instanceId: 'local' },
  ) {
    this.instanceId = claimant.instanceId;
    this.leaseMs = claimant.leaseMs ?? DEFAULT_LEASE_MS;
  }

  async accept(channel: string, updateId: string, payload: unknown): Promise<boolean> {
    let json: string | null;
    try {
      json = JSON.stringify(payload) ?? null;
    } catch (error) {
      throw new UnstorableUpdateError(error);
    }
    // The source-key checks use the unique partial indexes question_log_source and tickets_source.
    const now = this.now();
    const rows = await this.db.all<{ update_id: string }>(
      `INSERT INTO processed_updates (channel, update_id, received_at, payload_json, claimed_by, lease_until, attempts)
       SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, 1
       WHERE NOT EXISTS (SELECT 1 FROM question_log WHERE source_key = $1::text || ':' || $2::text)
         AND NOT EXISTS (SELECT 1 FROM tickets WHERE source_key = $1::text || ':' || $2::text)
       ON CONFLICT (channel, update_id) DO NOTHING
       RETURNING update_id`,
      [channel, updateId, now.toISOString(), json, this.instanceId, this.leaseEnd(now)],
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

  async claimAbandoned(channel: string, options: ClaimOptions = {}): Promise<UnfinishedUpdate[]> {
    const now = this.now();
    const rows = await this.db.all<{ update_id: string; payload_json: string | null; received_at: string; attempts: number; seq: number }>(
      `UPDATE processed_updates AS p SET claimed_by = $1, lease_until = $2, attempts = p.attempts + 1
       FROM (
         SELECT channel, update_id FROM processed_updates
         WHERE channel = $3 AND done_at IS NULL AND (lease_until IS NULL OR lease_until <= $4 OR ($5::boolean AND claimed_by = $1))
         ORDER BY received_at, seq LIMIT $6
         FOR UPDATE SKIP LOCKED
       ) AS c
       WHERE p.channel = c.channel AND p.update_id = c.update_id
       RETURNING p.update_id, p.payload_json, p.received_at, p.attempts, p.seq`,
      [this.instanceId, this.leaseEnd(now), channel, now.toISOString(), options.atStart === true, options.limit ?? null],
    );
    rows.sort((a, b) => a.received_at.localeCompare(b.received_at) || a.seq - b.seq);
    return rows.map((r) => ({
      updateId: r.update_id,
      payload: r.payload_json === null ? null : (JSON.parse(r.payload_json) as unknown),
      receivedAt: r.received_at,
      attempts: r.attempts,
    }));
  }

  async renew(channel: string, updateIds: readonly string[]): Promise<string[]> {
    if (updateIds.length === 0) return [];
    const rows = await this.db.all<{ update_id: string }>(
      `UPDATE processed_updates SET lease_until = $1
       WHERE channel = $2 AND update_id IN (SELECT jsonb_array_elements_text($3::jsonb)) AND claimed_by = $4 AND done_at IS NULL
       RETURNING update_id`,
      [this.leaseEnd(this.now()), channel, JSON.stringify(updateIds), this.instanceId],
    );
    return rows.map((r) => r.update_id);
  }

  private leaseEnd(now: Date): string {
    return new Date(now.getTime() + this.leaseMs).toISOString();
  }

  /** Forgets handled updates older than `maxAgeMs` (platforms stop re-delivering long before). */
  async prune(maxAgeMs: number): Promise<number> {
    const cutoff = new Date(this.now().getTime() - maxAgeMs).toISOString();
    const { changes } = await this.db.run('DELETE FROM processed_updates WHERE received_at < $1 AND done_at IS NOT NULL', [cutoff]);
    return changes;
  }
}
