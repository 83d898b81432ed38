import type { PassageSource } from '../storage/provenance.js';

/**
 * The escalation loop's domain: questions the assistant could not answer become tickets, experts are
 * notified, an expert's answer is relayed to the asker, and an admin may approve it as a curated answer.
 * Nothing here knows a chat platform: a channel is just a name ("telegram", "zalo", "cli") and a chat id.
 * All timestamps are ISO 8601 strings in UTC (`Date.prototype.toISOString()`), as stored.
 */

/** Who asked: enough to answer them later in the same chat. */
export interface Asker {
  /** Channel name, e.g. "telegram" or "zalo". */
  channel: string;
  /** Where to send the answer (the chat or conversation id on that channel). */
  chatId: string;
  /** The asker's id on that channel. */
  userId: string;
  displayName?: string;
  commune?: string;
}

export const TICKET_STATUSES = ['open', 'assigned', 'answered', 'relay_pending', 'relayed', 'closed'] as const;
/**
 * open → assigned (an expert claimed it) → answered (the relay is in the outbox) → relayed (delivered);
 * relay_pending when the relay could not be delivered and waits for the asker's chat to be reachable;
 * closed from any state.
 */
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const ESCALATION_REASONS = [
  'low_confidence',
  'ambiguous',
  'out_of_domain',
  'user_request',
  'unhelpful_feedback',
] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

/** One passage the assistant retrieved before escalating, kept so the expert sees what it found. */
export interface RetrievedContextItem {
  id: string;
  citation: string;
  score: number;
  lexicalScore: number;
  vectorSimilarity: number;
}

export interface Ticket {
  id: number;
  asker: Asker;
  question: string;
  topic?: string;
  reason: EscalationReason;
  context: RetrievedContextItem[];
  confidence?: number;
  status: TicketStatus;
  /** The expert who claimed the ticket, then the expert who answered it. */
  expertId?: number;
  answer?: string;
  createdAt: string;
  updatedAt: string;
  answeredAt?: string;
  relayedAt?: string;
  lastRemindedAt?: string;
}

/**
 * What happened to a ticket; append-only (the database refuses UPDATE and DELETE).
 * `actor` is `asker:<channel>:<userId>`, `user:<id>` (an expert or admin) or `system` (the outbox worker).
 */
export interface TicketEvent {
  id: number;
  ticketId: number;
  actor: string;
  /**
   * created, notified (the experts of the topic), notified_admins (no expert covers it), not_notified
   * (nobody could be told in a chat), assigned, answered, relayed, notify_failed, relay_failed,
   * relay_requeued, reminded, closed, approved.
   */
  action: string;
  detail: Record<string, unknown>;
  at: string;
}

export type TicketWithEvents = Ticket & { events: TicketEvent[] };

/**
 * Who was told about a new ticket: the experts of its topic; the admins, when no expert covers it (or it
 * has no topic); or nobody, when no admin can be reached in a chat either (the ticket waits in the console).
 */
export type TicketRouting = 'experts' | 'admins' | 'nobody';

/** A ticket just opened, with whom it was sent to. */
export type OpenedTicket = Ticket & { routing: TicketRouting };

export const ROLES = ['official', 'expert', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * A known person: an official (an asker, when registration is required), an expert (notified about the
 * tickets of their topics, at `channel`/`chatId`) or an admin (approves curated answers).
 */
export interface User {
  id: number;
  channel: string;
  channelUserId: string;
  /** Where this person receives notifications. */
  chatId: string;
  displayName: string;
  commune?: string;
  role: Role;
  /**
   * Topics an expert covers (kebab-case, as in the knowledge base's `topic`); `*` covers every topic and
   * tickets without one. An expert with no topics covers nothing.
   */
  topics: string[];
  /** Allowed to ask when the access policy is 'registered'. */
  approved: boolean;
  /** An inactive user keeps their history but is never notified and may not act. */
  active: boolean;
  /** Set (true) when the user turned the province's notices off (`/tatthongbao`); absent otherwise. */
  noticesOff?: boolean;
  createdAt: string;
  updatedAt: string;
}

/** An expert's answer an admin approved, matched before normal retrieval (Dify's "annotation reply"). */
export interface CuratedAnswer {
  id: number;
  question: string;
  answer: string;
  sourceTicketId?: number;
  expertId?: number;
  answeredAt?: string;
  approvedBy?: number;
  approvedAt: string;
  topic?: string;
  hits: number;
  active: boolean;
  updatedAt: string;
  /**
   * The passages the answer rests on, as they were at its (last) approval: chosen by the admin from the
   * ticket's retrieved passages, or linked from them automatically. Absent for answers approved before
   * provenance was kept. When one of them changes, the answer needs a review before it is served again.
   */
  sources?: PassageSource[];
}

/**
 * `answer`: the assistant's own answer, when sending it at once failed; `notice`: an admin's notice to
 * officials; `follow_up`: the news that an answer someone was given has changed (src/notices/); `document`: a
 * file the user asked for (a form, src/forms/), named by `attachment`, with `text` as its caption.
 */
export type OutboundKind = 'relay' | 'notify' | 'reminder' | 'answer' | 'notice' | 'follow_up' | 'document';

/**
 * The outbox sends higher first (then by due time): what an asker waits for — an expert's answer, the
 * assistant's delayed answer — goes ahead of notifications and reminders to staff, however many wait;
 * notices and follow-ups, sent to many at once, come last, so a large one never holds up the others.
 */
export const OUTBOUND_PRIORITY: Readonly<Record<OutboundKind, number>> = { relay: 1, answer: 1, document: 1, notify: 0, reminder: 0, notice: -1, follow_up: -1 };

/**
 * Kinds that wait for the recipient when a platform refuses them (Zalo OA outside its 48-hour window, a
 * blocked bot): the recipient's next message makes them due again (`deliverPendingFor`).
 */
export const WAITS_FOR_RECIPIENT: readonly OutboundKind[] = ['relay', 'notice', 'follow_up'];

/** A message the outbound port must deliver. `id` is stable across retries: adapters may use it to de-duplicate. */
export interface OutboundMessage {
  id: number;
  channel: string;
  chatId: string;
  kind: OutboundKind;
  text: string;
  ticketId?: number;
  /** What a `document` message attaches, e.g. "form:12" (resolved into the file when it is sent). */
  attachment?: string;
  /** The file itself, filled in just before a channel sends a `document` (never stored). */
  document?: OutboundDocument;
}

/**
 * A file a channel sends: the bytes (for platforms that take an upload), a signed download link (for those
 * that take only text, and the web chat), and what this channel gave back the last time it took this file.
 */
export interface OutboundDocument {
  fileName: string;
  mimeType: string;
  bytes: Buffer;
  /** Changes with the file: a platform reference is only reused for the same bytes. */
  sha256: string;
  /** Absolute when a public address is configured, else a path on this server (the web chat's). */
  downloadUrl: string;
  /** When the download link stops working (ISO date). */
  linkExpiresAt: string;
  /** E.g. a Telegram file_id, from an earlier upload of the same bytes. */
  platformRef?: string;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** An outbox row: the message and its delivery state. */
export interface OutboxRecord extends OutboundMessage {
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError?: string;
  createdAt: string;
  sentAt?: string;
  dedupKey?: string;
}

/** A file that came with an escalated question (a photo or PDF of a paper), for the expert. */
export interface TicketAttachmentInput {
  bytes: Uint8Array;
  mimeType: string;
  fileName: string;
}

export interface TicketAttachment extends TicketAttachmentInput {
  id: number;
  ticketId: number;
  createdAt: string;
}
