import type { SqlValue } from '../database.js';
import type { ChatMessage, ChatMessageMeta, ChatRole, ChatVisitor, WebChatRepository } from '../ports.js';
import { touchChatVisitor } from '../web-housekeeping.js';
import type { SqlRunner } from './sql.js';

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

/** The web chat's visitors and messages (tables `web_chat_visitors`, `web_chat_messages`): all but `addMessage`, for both engines. */
export abstract class SqlWebChatRepository implements WebChatRepository {
  constructor(protected readonly db: SqlRunner) {}

  abstract addMessage(chatId: string, message: NewChatMessage, at: string): Promise<ChatMessage | undefined>;

  async findVisitor(chatId: string): Promise<ChatVisitor | undefined> {
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

  async insertVisitor(visitor: { chatId: string; csrfToken: string }, at: string): Promise<void> {
    await this.db.run('INSERT INTO web_chat_visitors (chat_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?)', [visitor.chatId, visitor.csrfToken, at, at]);
  }

  touchVisitor(chatId: string, at: string): Promise<void> {
    return touchChatVisitor(this.db, chatId, new Date(at));
  }

  async updateVisitor(chatId: string, patch: { displayName?: string; commune?: string }, at: string): Promise<void> {
    await this.db.run('UPDATE web_chat_visitors SET display_name = ?, commune = ?, last_seen_at = ? WHERE chat_id = ?', [
      patch.displayName || null,
      patch.commune || null,
      at,
      chatId,
    ]);
  }

  async listMessages(chatId: string, afterId: number, limit: number): Promise<ChatMessage[]> {
    const rows = await this.db.all<MessageRow>(
      `SELECT * FROM (SELECT id, role, text, meta_json, created_at FROM web_chat_messages WHERE chat_id = ? AND id > ? ORDER BY id DESC LIMIT ?) AS recent
       ORDER BY id`,
      [chatId, afterId, limit],
    );
    return rows.map((r) => ({ id: r.id, role: r.role, text: r.text, meta: parseMeta(r.meta_json), createdAt: r.created_at }));
  }
}

/** The statement that adds a message (`addMessage`), before the engine's conflict clause; values from `chatMessageValues`. */
export const CHAT_MESSAGE_COLUMNS = 'web_chat_messages (chat_id, role, text, meta_json, outbox_id, created_at) VALUES (?, ?, ?, ?, ?, ?)';

export type NewChatMessage = Parameters<WebChatRepository['addMessage']>[1];

export function chatMessageValues(chatId: string, message: NewChatMessage, at: string): SqlValue[] {
  return [chatId, message.role, message.text, JSON.stringify(message.meta), message.outboxId ?? null, at];
}

function parseMeta(json: string): ChatMessageMeta {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' ? (value as ChatMessageMeta) : {};
  } catch {
    return {};
  }
}
