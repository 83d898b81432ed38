import type { ChatMessage } from '../ports.js';
import { CHAT_MESSAGE_COLUMNS, chatMessageValues, SqlWebChatRepository, type NewChatMessage } from '../shared/web-chat.js';
import type { PgDatabase } from './pg-database.js';

/** The web chat's visitors and messages (tables `web_chat_visitors`, `web_chat_messages`), PostgreSQL. */
export class PgWebChatRepository extends SqlWebChatRepository {
  constructor(private readonly pg: PgDatabase) {
    super(pg);
  }

  /** A relay the outbox delivers twice (two instances, a retry) is stored once: `outbox_id` is unique. */
  async addMessage(chatId: string, message: NewChatMessage, at: string): Promise<ChatMessage | undefined> {
    const sql = `INSERT INTO ${CHAT_MESSAGE_COLUMNS} ON CONFLICT (outbox_id) DO NOTHING RETURNING id`;
    const row = await this.pg.get<{ id: number }>(sql, chatMessageValues(chatId, message, at));
    return row && { id: row.id, role: message.role, text: message.text, meta: message.meta, createdAt: at };
  }
}
