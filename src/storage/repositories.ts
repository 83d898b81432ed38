import type { FormStore } from '../forms/form-store.js';
import type { BroadcastRepository } from './broadcasts.js';
import type { ChannelStateStore } from './channel-state.js';
import type { PrunableUpdateInbox } from './update-inbox.js';
import type { AuditRepository, ReportingRepository, SessionRepository, WebAccountRepository, WebChatRepository, WebStateMaintenance } from './ports.js';

/**
 * The repositories the app hands to the console, the web chat, the server and the channels (the escalation
 * stores and the question log are on the app as `stores` and `log`). Built by the composition root for
 * one engine.
 */
export interface Repositories {
  webAccounts: WebAccountRepository;
  sessions: SessionRepository;
  audit: AuditRepository;
  webChat: WebChatRepository;
  /** Expired sessions and idle web chat visitors. */
  webState: WebStateMaintenance;
  reporting: ReportingRepository;
  channelState: ChannelStateStore;
  inbox: PrunableUpdateInbox;
  /** Notices to officials and follow-ups on changed answers, with their deliveries. */
  broadcasts: BroadcastRepository;
  /** The registry of forms (Mẫu số …) and their uploaded files. */
  forms: FormStore;
}
