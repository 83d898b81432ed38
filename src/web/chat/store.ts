import { randomBytes } from 'node:crypto';
import type { ChatMessage, ChatMessageMeta, ChatRole, ChatVisitor, WebChatRepository } from '../../storage/ports.js';

export type { ChatMessage, ChatMessageMeta, ChatRole, ChatSource, ChatVisitor } from '../../storage/ports.js';

/** A chat id the server hands out: 24 random bytes, base64url (the cookie value). */
export function isChatId(value: string | undefined): value is string {
  return typeof value === 'string' && /^w-[A-Za-z0-9_-]{32}$/.test(value);
}

/** The web chat's visitors and messages (kept by a WebChatRepository). */
export class WebChatStore {
  constructor(
    private readonly chats: WebChatRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async visitor(chatId: string | undefined): Promise<ChatVisitor | undefined> {
    if (!isChatId(chatId)) return undefined;
    return this.chats.findVisitor(chatId);
  }

  /**
   * A new visitor: made only when a first question is sent, never for a page view. `csrfToken` is the token
   * the page already holds (the signed one it was given before the visitor existed), so the page keeps working.
   */
  async createVisitor(csrfToken = randomBytes(32).toString('base64url')): Promise<ChatVisitor> {
    const at = this.now().toISOString();
    const visitor: ChatVisitor = { chatId: `w-${randomBytes(24).toString('base64url')}`, csrfToken, lastSeenAt: at };
    await this.chats.insertVisitor(visitor, at);
    return visitor;
  }

  /** The visitor came back (its idle deadline moves). */
  async touch(chatId: string): Promise<void> {
    await this.chats.touchVisitor(chatId, this.now().toISOString());
  }

  async updateVisitor(chatId: string, patch: { displayName?: string; commune?: string }): Promise<void> {
    await this.chats.updateVisitor(chatId, patch, this.now().toISOString());
  }

  /** Adds a message; with an `outboxId` already stored nothing is written (the outbox may deliver twice). */
  add(chatId: string, role: ChatRole, text: string, meta: ChatMessageMeta = {}, outboxId?: number): Promise<ChatMessage | undefined> {
    return this.chats.addMessage(chatId, { role, text, meta, ...(outboxId !== undefined && { outboxId }) }, this.now().toISOString());
  }

  /** Messages of a chat with an id above `afterId`, oldest first (the last `limit`). */
  list(chatId: string, afterId = 0, limit = 200): Promise<ChatMessage[]> {
    return this.chats.listMessages(chatId, afterId, limit);
  }
}
