import type { TurnScheduler } from '../assistant/turns.js';
import type { Router } from 'express';
import type { Assistant } from '../assistant/assistant.js';
import type { EscalationService } from '../escalation/escalation-service.js';
import type { OutboundPort } from '../escalation/outbound-port.js';
import type { UserStore } from '../escalation/stores.js';
import type { Logger } from '../logger.js';
import type { UpdateInbox } from '../storage/update-inbox.js';
import type { BackgroundWork } from './background.js';
import type { InboxLeases } from './inbox-leases.js';
import type { ChatPaperAnswerer } from './chat-files/paper-answerer.js';

/**
 * What every channel adapter receives: the core (assistant, escalation service, users) and the
 * plumbing shared by all webhooks. Adapters never reach into storage or retrieval themselves.
 */
export interface ChannelDeps {
  assistant: Assistant;
  escalation: EscalationService;
  users: UserStore;
  logger: Logger;
  /** Stores updates before they are acknowledged (replayed after a crash; a re-delivery is answered once). */
  inbox: UpdateInbox;
  /** Runs work after the webhook has been acknowledged, and lets shutdown wait for it. */
  background: BackgroundWork;
  /** The event-loop turns the intake shares with the assistant (acknowledgements before answers). */
  turns: TurnScheduler;
  /** The started channels' intakes, for the server's inbox sweep and lease renewal (none: never swept). */
  leases?: InboxLeases;
  /** Answers photos and PDFs sent in a chat (none: they get the "text only" reply). */
  papers?: ChatPaperAnswerer;
}

/**
 * A chat platform as the server sees it: optional webhook routes (mounted at `/webhooks/<name>`), an
 * outbound port for relays and notifications to chats on this platform, and a lifecycle.
 */
export interface ChannelAdapter {
  /** Channel name as stored on tickets and users: 'telegram', 'zalo-bot', 'zalo-oa'. */
  readonly name: string;
  /** Express router for the webhook (mounted at /webhooks/<name>), when the adapter takes webhooks. */
  readonly router?: Router;
  /**
   * True when `start()` runs a polling loop (Telegram long polling, Zalo Bot getUpdates): among several
   * instances it must run on one at a time, so the server starts it only while this instance holds the
   * channel's leader lock.
   */
  readonly polling?: boolean;
  readonly port: OutboundPort;
  /** Registers the webhook or starts polling. */
  start(): Promise<void>;
  /** Stops taking updates (polling stops; in-flight work is awaited by the server through BackgroundWork). */
  stop(): Promise<void>;
}
