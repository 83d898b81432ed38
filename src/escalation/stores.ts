import type { PassageSource } from '../storage/provenance.js';
import type {
  Asker,
  CuratedAnswer,
  EscalationReason,
  OutboundKind,
  OutboxRecord,
  RetrievedContextItem,
  Role,
  Ticket,
  TicketAttachment,
  TicketAttachmentInput,
  TicketEvent,
  TicketStatus,
  User,
} from './types.js';

/*
 * Storage behind the escalation service, as interfaces so that PostgreSQL can replace SQLite. The stores
 * only read and write rows; the rules (who may do what, which transition is allowed) live in the service.
 * Times are passed in as ISO strings: the stores never read a clock.
 */

export interface NewTicket {
  asker: Asker;
  question: string;
  topic?: string;
  reason: EscalationReason;
  context: readonly RetrievedContextItem[];
  confidence?: number;
  status: TicketStatus;
  createdAt: string;
  /** The platform update the question came in; unique (a ticket per update at most). */
  sourceKey?: string;
}

/** Fields a transition may set; `null` clears a field, `undefined` leaves it. */
export interface TicketPatch {
  status?: TicketStatus;
  expertId?: number | null;
  answer?: string | null;
  answeredAt?: string | null;
  relayedAt?: string | null;
  lastRemindedAt?: string | null;
  updatedAt?: string;
}

/**
 * Which tickets a reader may see (built by `AccessPolicy.ticketScope`): all, none, or those of some topics
 * plus the ones a given expert holds.
 */
export type TicketScope = { kind: 'all' } | { kind: 'none' } | { kind: 'topics'; topics: readonly string[]; holderId: number };

export interface TicketFilter {
  status?: TicketStatus | readonly TicketStatus[];
  topic?: string;
  /** Only the tickets of this scope. Default: all. */
  scope?: TicketScope;
  /** Only tickets created at or before this time. */
  createdBefore?: string;
  /** Only tickets never reminded, or last reminded at or before this time. */
  remindedBefore?: string;
  limit?: number;
}

/** What is written together with a new ticket, all or nothing. */
export interface TicketOpeningEffects {
  notifications: readonly Omit<NewOutboxMessage, 'ticketId' | 'nextAttemptAt'>[];
  events: readonly Omit<TicketEvent, 'id' | 'ticketId'>[];
}

export interface TicketStore {
  /**
   * Opens a ticket with its notifications and first events, atomically. `effects` is given the ticket
   * as it will be saved (its number included) and returns them; it must not have side effects.
   */
  open(ticket: NewTicket, effects: (ticket: Ticket) => TicketOpeningEffects): Promise<Ticket>;
  get(id: number): Promise<Ticket | undefined>;
  /** The ticket opened for a platform update (see NewTicket.sourceKey). */
  findBySource(sourceKey: string): Promise<Ticket | undefined>;
  /** Oldest first. */
  list(filter?: TicketFilter): Promise<Ticket[]>;
  /** The topics tickets have, sorted (within `scope` when given). */
  topics(scope?: TicketScope): Promise<string[]>;
  /**
   * Applies `patch` only if the ticket is in one of `from` (compare-and-set), so two writers can never
   * both make the same transition. Returns whether the row changed.
   */
  update(id: number, from: readonly TicketStatus[], patch: TicketPatch): Promise<boolean>;
  appendEvent(event: Omit<TicketEvent, 'id'>): Promise<TicketEvent>;
  /** Several events in one statement, in the given order. */
  appendEvents(events: readonly Omit<TicketEvent, 'id'>[]): Promise<TicketEvent[]>;
  events(ticketId: number): Promise<TicketEvent[]>;
}

export interface NewUser {
  channel: string;
  channelUserId: string;
  chatId: string;
  displayName: string;
  commune?: string;
  role: Role;
  topics?: readonly string[];
  /** Default true: a user added by an admin is approved. */
  approved?: boolean;
  active?: boolean;
}

export type UserPatch = Partial<Pick<User, 'chatId' | 'displayName' | 'commune' | 'role' | 'topics' | 'approved' | 'active' | 'noticesOff'>>;

export interface UserStore {
  /** Throws when (channel, channelUserId) is already known. */
  add(user: NewUser, now: string): Promise<User>;
  get(id: number): Promise<User | undefined>;
  findByChannelUser(channel: string, channelUserId: string): Promise<User | undefined>;
  list(filter?: { role?: Role }): Promise<User[]>;
  /**
   * Whom a new ticket may be routed to, in one read: the experts that are active and approved (whatever
   * their topics) and every admin, each by id.
   */
  listRoutable(): Promise<{ experts: User[]; admins: User[] }>;
  update(id: number, patch: UserPatch, now: string): Promise<User | undefined>;
}

export interface NewOutboxMessage {
  ticketId?: number;
  channel: string;
  chatId: string;
  kind: OutboundKind;
  text: string;
  /** What a `document` message attaches (e.g. "form:12"). */
  attachment?: string;
  /** A message with a key already in the outbox is not enqueued again (e.g. `relay:<ticket>`). */
  dedupKey?: string;
  createdAt: string;
  /** Defaults to createdAt (due at once). */
  nextAttemptAt?: string;
}

export interface OutboxFilter {
  status?: OutboxRecord['status'];
  /** One kind, or any of several. */
  kind?: OutboundKind | readonly OutboundKind[];
  ticketId?: number;
  channel?: string;
  chatId?: string;
}

export interface OutboxStore {
  /** Returns the new record, or undefined when its dedup key is already taken (nothing is written). */
  enqueue(message: NewOutboxMessage): Promise<OutboxRecord | undefined>;
  get(id: number): Promise<OutboxRecord | undefined>;
  /** By id. */
  list(filter?: OutboxFilter): Promise<OutboxRecord[]>;
  /**
   * Moves up to `limit` pending messages due at `now` to 'sending' and returns them: messages to askers
   * first (`OUTBOUND_PRIORITY`), then oldest due first. `exclude`: ids not to claim (those already tried
   * in this run). The claim is this instance's, for a lease the store was built with (renew it while
   * sending: `renewClaims`); two claimers, in one process or two, never get the same message.
   */
  claimDue(now: string, limit: number, exclude?: readonly number[]): Promise<OutboxRecord[]>;
  /** Extends, from `now`, the lease of messages this instance is still sending. Returns how many it still holds. */
  renewClaims(ids: readonly number[], now: string): Promise<number>;
  markSent(id: number, now: string): Promise<boolean>;
  /** Back to pending after a failed attempt. */
  markRetry(id: number, attempts: number, nextAttemptAt: string, error: string): Promise<boolean>;
  markFailed(id: number, attempts: number, error: string): Promise<boolean>;
  /**
   * Messages left 'sending' by an instance that died mid-send back to 'pending', due at `now`: those
   * whose claim's lease ran out by `now` (or that have none). `atStart`: this instance is starting, so
   * also those an earlier run of it claimed (same instance id); on SQLite, which one process uses, every
   * message in flight, as before leases. Returns how many.
   */
  recoverInFlight(now: string, options?: { atStart?: boolean }): Promise<number>;
  /**
   * Re-enables matching messages: failed ones go back to pending with their attempts reset, and pending
   * ones waiting for a later retry become due at `now`. Returns the re-enabled records.
   */
  requeue(filter: Omit<OutboxFilter, 'status'>, now: string): Promise<OutboxRecord[]>;
  /** Whether `requeue(filter, now)` would re-enable a message: one read, whatever the chat's history. */
  hasRequeueable(filter: Omit<OutboxFilter, 'status'>, now: string): Promise<boolean>;
}

/** A curated answer as an approval creates it (the store assigns id, hits, active and updatedAt). */
export type NewCuratedAnswer = Omit<CuratedAnswer, 'id' | 'hits' | 'active' | 'updatedAt'>;

export interface CuratedAnswerStore {
  /** Changes whenever this store instance writes (not when another process does): lets readers cache. */
  readonly revision: number;
  /** Inserts, or — for a ticket already curated — replaces the answer and approval and reactivates it. */
  upsert(answer: NewCuratedAnswer): Promise<CuratedAnswer>;
  get(id: number): Promise<CuratedAnswer | undefined>;
  getBySourceTicket(ticketId: number): Promise<CuratedAnswer | undefined>;
  listActive(): Promise<CuratedAnswer[]>;
  /** Every curated answer, retired ones too: active first, most used first. */
  listAll(): Promise<CuratedAnswer[]>;
  /** Changes the question, answer and topic of one (an admin's edit); `sources`, when given, replaces its sources. */
  edit(id: number, patch: { question: string; answer: string; topic?: string; sources?: readonly PassageSource[] }, now: string): Promise<boolean>;
  /**
   * An admin approves one again as it is (after the texts it rests on changed): the approval moves to
   * `approvedBy` at `at` and its sources become `sources` (the passages as they are now).
   */
  reapprove(id: number, approval: { approvedBy: number; at: string; sources: readonly PassageSource[] }): Promise<boolean>;
  /** Counts one use of a curated answer (`updated_at` tracks edits, not use). */
  recordHit(id: number): Promise<void>;
  setActive(id: number, active: boolean, now: string): Promise<boolean>;
}

/** Finds the passages a curated answer rests on, as they are now (implemented over the knowledge store). */
export interface CuratedSourcing {
  /**
   * The passages `chosenIds` (an admin's choice among the ticket's retrieved passages), or without a choice
   * those linked automatically from the ticket's retrieval. Ids no longer in the knowledge base are dropped.
   */
  sourcesFor(ticket: Ticket, chosenIds?: readonly string[]): Promise<PassageSource[]>;
}

/**
 * The four stores and a unit of work over them. `transaction` is re-entrant: a store call made inside
 * `work` joins the transaction, and a transaction started inside another joins the outer one.
 */
/** The files that came with escalated questions; kept until the ticket closes or the retention period ends. */
export interface TicketAttachmentStore {
  add(ticketId: number, file: TicketAttachmentInput, at: string): Promise<number>;
  /** Oldest first. */
  list(ticketId: number): Promise<TicketAttachment[]>;
  get(id: number): Promise<TicketAttachment | undefined>;
  /** Deletes a ticket's files; returns how many. */
  deleteOf(ticketId: number): Promise<number>;
  /** Deletes the files stored before `at` (ISO time); returns how many. */
  deleteBefore(at: string): Promise<number>;
}

export interface EscalationStores {
  tickets: TicketStore;
  attachments: TicketAttachmentStore;
  users: UserStore;
  outbox: OutboxStore;
  curated: CuratedAnswerStore;
  transaction<T>(work: () => Promise<T>): Promise<T>;
}
