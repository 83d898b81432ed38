import type { OutboundMessage } from './types.js';

/**
 * The result of one delivery attempt. A failure says whether trying again may help (network error,
 * rate limit, channel down) and may carry the platform's requested wait.
 */
export type SendResult = { ok: true; platformRef?: string } | { ok: false; retryable: boolean; error: string; retryAfterMs?: number };

/**
 * How the escalation core sends a message without knowing any platform. Each channel (Telegram, Zalo…)
 * implements it; `send` should resolve with a failure rather than throw (a throw counts as retryable).
 *
 * @example
 * const telegramPort: OutboundPort = {
 *   async send(message) {
 *     await api.sendMessage(message.chatId, message.text);
 *     return { ok: true };
 *   },
 * };
 */
export interface OutboundPort {
  send(message: OutboundMessage): Promise<SendResult>;
}

/**
 * Dispatches each message to the adapter registered for its `channel`. A message for a channel with no
 * adapter fails as retryable, so it stays in the outbox (a relay ends as relay_pending) until the channel
 * comes up.
 *
 * @example
 * const router = new ChannelRouter().register('telegram', telegramPort).register('zalo', zaloPort);
 * await service.processOutbox(router, { limit: 20 });
 */
export class ChannelRouter implements OutboundPort {
  private readonly adapters = new Map<string, OutboundPort>();

  /** Registers (or replaces) the adapter of a channel. */
  register(channel: string, port: OutboundPort): this {
    this.adapters.set(channel, port);
    return this;
  }

  unregister(channel: string): this {
    this.adapters.delete(channel);
    return this;
  }

  has(channel: string): boolean {
    return this.adapters.has(channel);
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const adapter = this.adapters.get(message.channel);
    if (!adapter) return { ok: false, retryable: true, error: `no adapter for channel ${message.channel}` };
    try {
      return await adapter.send(message);
    } catch (error) {
      return { ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
