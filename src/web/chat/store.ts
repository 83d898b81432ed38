import { randomBytes } from 'node:crypto';
import type { Database } from '../../storage/database.js';
import { touchChatVisitor } from '../../storage/web-housekeeping.js';

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

interface MessageRow {
  id: number;
  role: ChatRole;
  text: string;
  meta_json: string;
  created_at: string;
}

interface VisitorRow {
  chat_id: string;
  csrf_token: string;
  display_name: string | null;
  commune: string | null;
  last_seen_at: string;
}

/** A chat id the server hands out: 24 random bytes, base64url (the cookie value). */
export function isChatId(value: string | undefined): value is string {
  return typeof value === 'string' && /^w-[A-Za-z0-9_-]{32}$/.test(value);
}

/** The web chat's visitors and messages (tables `web_chat_visitors`, `web_chat_messages`). */
export class WebChatStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async visitor(chatId: string | undefined): Promise<ChatVisitor | undefined> {
    if (!isChatId(chatId)) return undefined;
    const row = await this.db.get<VisitorRow>('SELECT * FROM web_chat_visitors WHERE chat_id = ?', [chatId]);
    return (
      row && {
        chatId: row.chat_id,
        csrfToken: row.csrf_token,
        ...(row.display_name && { displayName: row.display_name }),
        ...(row.commune && { commune: row.commune }),
        lastSeenAt: row.last_seen_at,
      }
    );
  }

  /**
   * A new visitor: made only when a first question is sent, never for a page view. `csrfToken` is the token
   * the page already holds (the signed one it was given before the visitor existed), so the page keeps working.
   */
  async createVisitor(csrfToken = randomBytes(32).toString('base64url')): Promise<ChatVisitor> {
    const at = this.now().toISOString();
    const visitor: ChatVisitor = { chatId: `w-${randomBytes(24).toString('base64url')}`, csrfToken, lastSeenAt: at };
    await this.db.run('INSERT INTO web_chat_visitors (chat_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?)', [visitor.chatId, visitor.csrfToken, at, at]);
    return visitor;
  }

  /** The visitor came back (its idle deadline moves). */
  async touch(chatId: string): Promise<void> {
    await touchChatVisitor(this.db, chatId, this.now());
  }

  async updateVisitor(chatId: string, patch: { displayName?: string; commune?: string }): Promise<void> {
    await this.db.run('UPDATE web_chat_visitors SET display_name = ?, commune = ?, last_seen_at = ? WHERE chat_id = ?', [
      patch.displayName || null,
      patch.commune || null,
      this.now().toISOString(),
      chatId,
    ]);
  }

  /** Adds a message; with an `outboxId` already stored nothing is written (the outbox may deliver twice). */
  async add(chatId: string, role: ChatRole, text: string, meta: ChatMessageMeta = {}, outboxId?: number): Promise<ChatMessage | undefined> {
    const at = this.now().toISOString();
    const { changes, lastID } = await this.db.run(
      'INSERT OR IGNORE INTO web_chat_messages (chat_id, role, text, meta_json, outbox_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [chatId, role, text, JSON.stringify(meta), outboxId ?? null, at],
    );
    return changes === 1 ? { id: lastID, role, text, meta, createdAt: at } : undefined;
  }

  /** Messages of a chat with an id above `afterId`, oldest first (the last `limit`). */
  async list(chatId: string, afterId = 0, limit = 200): Promise<ChatMessage[]> {
    const rows = await this.db.all<MessageRow>(
      'SELECT * FROM (SELECT id, role, text, meta_json, created_at FROM web_chat_messages WHERE chat_id = ? AND id > ? ORDER BY id DESC LIMIT ?) ORDER BY id',
      [chatId, afterId, limit],
    );
    return rows.map((r) => ({ id: r.id, role: r.role, text: r.text, meta: parseMeta(r.meta_json), createdAt: r.created_at }));
  }
}

function parseMeta(json: string): ChatMessageMeta {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' ? (value as ChatMessageMeta) : {};
  } catch {
    return {};
  }
}
