/**
 * The key under which the core records what it did for a platform update (IncomingMessage.sourceKey,
 * on the question log and on tickets): the channel and the update's id in the inbox.
 */
export function sourceKeyOf(channel: string, updateId: string): string {
  return `${channel}:${updateId}`;
}

/** An update that cannot be stored at all (it cannot be serialised): refused, never worth re-delivering. */
export class UnstorableUpdateError extends Error {
  constructor(cause: unknown) {
    super(`the update cannot be stored: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'UnstorableUpdateError';
  }
}

/** An update taken by a webhook or a polling loop whose handling never finished, as a claim hands it over. */
export interface UnfinishedUpdate {
  updateId: string;
  payload: unknown;
  receivedAt: string;
  /** How many times it has been claimed, this claim included (its first handling counts as one). */
  attempts: number;
}

/** How `claimAbandoned` chooses. */
export interface ClaimOptions {
  /**
   * The channel is starting on this instance: also take the updates an earlier run of this instance held
   * whose lease has not run out yet (it cannot be handling them any more). On SQLite, which one process
   * uses, every unfinished update.
   */
  atStart?: boolean;
  /** At most this many (oldest first). Default: all. */
  limit?: number;
}

/**
 * The durable inbox of platform updates. An update is stored before the platform is told it arrived,
 * so one acknowledged and then lost to a crash is handled again; and it is stored once, so a
 * re-delivery is answered once.
 *
 * Several instances may share the inbox. The instance that stores an update claims it for a lease
 * (default 30 s) and renews the lease while it works; an update whose lease ran out unfinished — its
 * instance died, or its handling failed — is claimed by whichever instance sweeps first, once. An
 * inbox object belongs to one instance (its id and lease length are given when it is built).
 */
export interface UpdateInbox {
  /**
   * Stores the update and claims it for this instance: true the first time (channel, id) is seen, false
   * for a repeat — including an update the inbox has forgotten (pruned) whose source key (sourceKeyOf) the
   * question log or a ticket already bears: it was handled, and handling it again would answer twice.
   * Rejects with UnstorableUpdateError for a payload that cannot be serialised, and with the storage
   * error when it cannot be stored (disk full, database locked): the caller must then not acknowledge
   * the update.
   */
  accept(channel: string, updateId: string, payload: unknown): Promise<boolean>;
  /** The update was handled (answered, escalated, or deliberately ignored): it is never claimed again. */
  done(channel: string, updateId: string): Promise<void>;
  /**
   * Claims for this instance the updates of `channel` accepted but not done whose lease has run out,
   * oldest first. Each such update goes to one caller: claims running at the same time, on this
   * instance or another, never hand out the same update.
   */
  claimAbandoned(channel: string, options?: ClaimOptions): Promise<UnfinishedUpdate[]>;
  /**
   * Extends the lease of updates this instance is handling. Returns those it still holds (one missing
   * was done, or taken over after its lease ran out).
   */
  renew(channel: string, updateIds: readonly string[]): Promise<string[]>;
}

/** The inbox as the server holds it: it also forgets old handled updates. */
export interface PrunableUpdateInbox extends UpdateInbox {
  /** Forgets handled updates older than `maxAgeMs` (platforms stop re-delivering long before). Returns how many. */
  prune(maxAgeMs: number): Promise<number>;
}

/** Who an inbox claims updates for, and for how long. */
export interface InboxClaimant {
  /** The instance's id (INSTANCE_ID). */
  instanceId: string;
  /** Lease length in milliseconds. Default 30 s. */
  leaseMs?: number;
}

export const DEFAULT_LEASE_MS = 30_000;
