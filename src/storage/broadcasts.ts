/*
 * Notices to officials and follow-ups on changed answers, as stored (tables `broadcasts`,
 * `broadcast_recipients`, and one `outbox` row per recipient). The rules — who receives a notice, what a
 * follow-up says, how a delivery is reported — live in src/notices/; this is only what is kept.
 */

/** A notice (an admin's message to officials) or a follow-up (an answer some askers were given changed). */
export type BroadcastKind = 'notice' | 'follow_up';

export interface NewBroadcast {
  kind: BroadcastKind;
  /** A notice's title; a follow-up's short subject. */
  title: string;
  /** A notice's text; a follow-up's "what changed". */
  body: string;
  /** What else the sender chose: a notice's audience, a follow-up's new content and answers. */
  detail: Record<string, unknown>;
  /** The escalation user (users.id) of the console account that sent it. */
  authorUserId?: number;
  /** Who sent it, as shown (the account's e-mail). */
  author: string;
  createdAt: string;
}

export interface Broadcast extends NewBroadcast {
  id: number;
}

/** One recipient and the message to send them. */
export interface NewBroadcastRecipient {
  /** The registered user, when the recipient is one (a notice's always are; an asker may not be). */
  userId?: number;
  channel: string;
  chatId: string;
  displayName: string;
  commune?: string;
  /** E.g. the question-log entries a follow-up is about. */
  detail?: Record<string, unknown>;
  /** The text the outbox delivers to this recipient. */
  text: string;
}

/** The outbox's states of a message. */
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** A recipient with the state of their message in the outbox. */
export interface BroadcastDelivery {
  recipientId: number;
  userId?: number;
  channel: string;
  chatId: string;
  displayName: string;
  commune?: string;
  detail: Record<string, unknown>;
  outboxId: number;
  status: DeliveryStatus;
  attempts: number;
  lastError?: string;
  sentAt?: string;
  text: string;
}

/** How many messages of a broadcast are in a state, per channel. */
export interface DeliveryCount {
  channel: string;
  status: DeliveryStatus;
  n: number;
}

export type BroadcastWithCounts = Broadcast & { counts: DeliveryCount[] };

export interface BroadcastRepository {
  /**
   * Writes the broadcast, its recipients and one outbox message for each (of the broadcast's kind, at that
   * kind's priority, de-duplicated by `<kind>:<id>:<channel>:<chat>`), all or nothing. A recipient listed
   * twice (same channel and chat) is written once.
   */
  create(broadcast: NewBroadcast, recipients: readonly NewBroadcastRecipient[]): Promise<Broadcast>;
  get(id: number): Promise<Broadcast | undefined>;
  /** Newest first, with the outbox states of their messages. */
  list(filter?: { kind?: BroadcastKind; limit?: number }): Promise<BroadcastWithCounts[]>;
  /** The recipients of a broadcast with their messages' states, in the order they were written. */
  deliveries(broadcastId: number): Promise<BroadcastDelivery[]>;
}
