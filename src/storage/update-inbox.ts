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
   * Stores the update: true the first time (channel, id) is seen, false for a repeat — including an update
   * the inbox has forgotten (pruned) whose source key (sourceKeyOf) the question log or a ticket already
   * bears: it was handled, and handling it again would answer twice. Rejects with UnstorableUpdateError
   * for a payload that cannot be serialised, and with the storage error when it cannot be stored (disk
   * full, database locked): the caller must then not acknowledge the update.
   */
  accept(channel: string, updateId: string, payload: unknown): Promise<boolean>;
  /** The update was handled (answered, escalated, or deliberately ignored). */
  done(channel: string, updateId: string): Promise<void>;
  /** Updates of `channel` accepted but not done, oldest first. */
  unfinished(channel: string): Promise<UnfinishedUpdate[]>;
}

/** The inbox as the server holds it: it also forgets old handled updates. */
export interface PrunableUpdateInbox extends UpdateInbox {
  /** Forgets handled updates older than `maxAgeMs` (platforms stop re-delivering long before). Returns how many. */
  prune(maxAgeMs: number): Promise<number>;
}
