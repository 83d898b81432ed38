import type { Database } from '../database.js';
import type { ChatMessage } from '../ports.js';
import { CHAT_MESSAGE_COLUMNS, chatMessageValues, SqlWebChatRepository, type NewChatMessage } from '../shared/web-chat.js';

/** The web chat's visitors and messages (tables `web_chat_visitors`, `web_chat_messages`), SQLite. */
export class SqliteWebChatRepository extends SqlWebChatRepository {
  constructor(private readonly sqlite: Database) {
    super(sqlite);
  }

  async addMessage(chatId: string, message: NewChatMessage, at: string): Promise<ChatMessage | undefined> {
    const { changes, lastID } = await this.sqlite.run(`INSERT OR IGNORE INTO ${CHAT_MESSAGE_COLUMNS}`, chatMessageValues(chatId, message, at));
    const { role, text, meta } = message;
    return changes === 1 ? { id: lastID, role, text, meta, createdAt: at } : undefined;
  }
}
