/*
 * Repositories the web console and the web chat use, as interfaces an engine implements (SQLite today,
 * PostgreSQL later). Methods are async and speak in records, never in rows or engine types; times are ISO
 * strings passed in by the caller (a repository never reads a clock, except where noted).
 *
 * The interfaces of the escalation stores (src/escalation/stores.ts), the question log
 * (src/assistant/question-log.ts), the update inbox (src/channels/inbox.ts), the channel state
 * (src/channels/channel-state.ts) and the knowledge store (src/storage/knowledge-store.ts) live with the
 * code that uses them.
 */

// ── console sessions ────────────────────────────────────────────────────────────────────────────────

/** A message shown once on the next page (after a redirect). */
export interface Flash {
  kind: 'ok' | 'error';
  text: string;
}

export interface WebSession {
  tokenHash: string;
  /** Undefined for an anonymous session (before sign-in). */
  accountId?: number;
  csrfToken: string;
  flash?: Flash;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

/** Console sessions by the hash of their cookie token (table `web_sessions`). */
export interface SessionRepository {
  insert(session: WebSession): Promise<void>;
  find(tokenHash: string): Promise<WebSession | undefined>;
  /** Moves a session's idle deadline. */
  touch(tokenHash: string, lastSeenAt: string, expiresAt: string): Promise<void>;
  delete(tokenHash: string): Promise<void>;
  deleteForAccount(accountId: number): Promise<void>;
  /** Every session of an account but `keepTokenHash`. Returns how many ended. */
  deleteOthersForAccount(accountId: number, keepTokenHash: string): Promise<number>;
  /** `undefined` clears the flash. */
  setFlash(tokenHash: string, flash: Flash | undefined): Promise<void>;
  /** Deletes sessions expired at `now`. Returns how many. */
  deleteExpired(now: string): Promise<number>;
}

// ── console accounts ────────────────────────────────────────────────────────────────────────────────

export type WebRole = 'admin' | 'expert';

/** A console account: who signs in, with which role, acting as which escalation user. */
export interface WebAccount {
  id: number;
  email: string;
  role: WebRole;
  /** The escalation user (users.id) this account acts as: tickets it answers are attributed to them. */
  userId: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt?: string;
}

/** Console accounts (table `web_accounts`); e-mails are stored as given (the caller normalises them). */
export interface WebAccountRepository {
  /** Returns the new account's id. Throws when the e-mail is taken. */
  insert(account: { email: string; passwordHash: string; role: WebRole; userId: number }, now: string): Promise<number>;
  get(id: number): Promise<WebAccount | undefined>;
  findByEmail(email: string): Promise<WebAccount | undefined>;
  /** The account and its password hash, for signing in. */
  findCredentials(email: string): Promise<{ account: WebAccount; passwordHash: string } | undefined>;
  /** By id. */
  list(): Promise<WebAccount[]>;
  setPasswordHash(id: number, passwordHash: string, now: string): Promise<void>;
  update(id: number, patch: { role?: WebRole; active?: boolean; userId?: number }, now: string): Promise<void>;
  recordLogin(id: number, now: string): Promise<void>;
}

// ── audit log ───────────────────────────────────────────────────────────────────────────────────────

/** One change made through the console. The table refuses UPDATE and DELETE. */
export interface AuditEntry {
  id: number;
  at: string;
  accountId?: number;
  /** The account's e-mail at the time (or "hệ thống"). */
  actor: string;
  /** e.g. `document.upload`, `ticket.answer`, `user.update`. */
  action: string;
  /** What was changed, e.g. `document:tt-mai-tang`, `ticket:12`. */
  target?: string;
  detail: Record<string, unknown>;
}

/** A line of the merged journal: a console change or a ticket event. */
export interface JournalLine {
  source: 'console' | 'ticket';
  at: string;
  actor: string;
  action: string;
  target?: string;
  detail: Record<string, unknown>;
}

/** The console's append-only audit log (table `web_audit`), read together with ticket events. */
export interface AuditRepository {
  append(entry: Omit<AuditEntry, 'id'>): Promise<void>;
  /** Newest first. */
  list(limit: number): Promise<AuditEntry[]>;
  /** Console changes and ticket events together, newest first. */
  journal(limit: number): Promise<JournalLine[]>;
}

// ── web chat ────────────────────────────────────────────────────────────────────────────────────────

export type ChatRole = 'user' | 'assistant' | 'expert' | 'system';

/** A source line under an answer. */
export interface ChatSource {
  text: string;
  url?: string;
}

export interface ChatMessageMeta {
  sources?: ChatSource[];
  warnings?: string[];
  /** Question-log id the feedback buttons refer to. */
  answerId?: number;
  offerFeedback?: boolean;
  ticket?: number;
  stage?: string;
  /** For relays and notifications: the outbox message kind. */
  kind?: string;
  /** A file sent to the chat (a form): its signed download link, shown as a link. */
  download?: { url: string; fileName: string };
}

export interface ChatMessage {
  id: number;
  role: ChatRole;
  text: string;
  meta: ChatMessageMeta;
  createdAt: string;
}

export interface ChatVisitor {
  chatId: string;
  csrfToken: string;
  displayName?: string;
  commune?: string;
  /** When the visitor last came (ISO); a visitor idle for 180 days is pruned. */
  lastSeenAt?: string;
}

/** The web chat's visitors and messages (tables `web_chat_visitors`, `web_chat_messages`). */
export interface WebChatRepository {
  findVisitor(chatId: string): Promise<ChatVisitor | undefined>;
  insertVisitor(visitor: { chatId: string; csrfToken: string }, at: string): Promise<void>;
  touchVisitor(chatId: string, at: string): Promise<void>;
  /** Empty values clear the field. */
  updateVisitor(chatId: string, patch: { displayName?: string; commune?: string }, at: string): Promise<void>;
  /** Adds a message; with an `outboxId` already stored nothing is written and undefined is returned. */
  addMessage(chatId: string, message: { role: ChatRole; text: string; meta: ChatMessageMeta; outboxId?: number }, at: string): Promise<ChatMessage | undefined>;
  /** Messages of a chat with an id above `afterId`, oldest first (the last `limit`). */
  listMessages(chatId: string, afterId: number, limit: number): Promise<ChatMessage[]>;
}

export interface WebStatePruneReport {
  sessions: number;
  visitors: number;
  messages: number;
}

/** Housekeeping of what the console and the web chat keep (see storage/web-housekeeping.ts). */
export interface WebStateMaintenance {
  prune(now: Date): Promise<WebStatePruneReport>;
}

// ── reporting ───────────────────────────────────────────────────────────────────────────────────────

/** A half-open range of instants `[start, end)`, ISO. */
export interface TimeRange {
  start: string;
  end: string;
}

export interface LabelCount {
  label: string;
  n: number;
}

/** The figures the dashboard reads, over the question log, feedback and tickets. */
export interface QuestionActivity {
  /** Questions per Vietnamese day (UTC+7, `YYYY-MM-DD`) and channel, by day. */
  perDay: { day: string; channel: string; n: number }[];
  /** Most frequent first. */
  byStage: { stage: string; n: number }[];
  /** Tickets open or assigned now (whenever created). */
  openTickets: number;
  ticketsCreated: number;
  /** Answers given (retrieval or curated). */
  answers: number;
  /** Of those, answers some user marked unhelpful / helpful. */
  unhelpfulAnswers: number;
  helpfulAnswers: number;
  /** The ten most asked topics and communes. */
  topTopics: LabelCount[];
  topCommunes: LabelCount[];
}

/** A question-log entry as the CSV export shows it. */
export interface ExportedQuestion {
  id: number;
  createdAt: string;
  channel: string;
  displayName: string | null;
  commune: string | null;
  question: string;
  stage: string;
  confidence: number;
  reason: string | null;
  ticketId: number | null;
  curatedId: number | null;
  docId: string | null;
  topic: string | null;
  /** The feedback values given, `;`-separated, or null. */
  feedback: string | null;
  latencyMs: number;
}

/** Read-only queries across aggregates, for the dashboard and the exports. */
export interface ReportingRepository {
  questionActivity(range: TimeRange): Promise<QuestionActivity>;
  /** By id. */
  questionsForExport(range: TimeRange): Promise<ExportedQuestion[]>;
}
