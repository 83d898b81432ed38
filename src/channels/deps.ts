import type { Assistant } from '../assistant/assistant.js';
import { chatPaperAnswererFor, type ChatPaperServices } from './chat-files/paper-answerer.js';
import type { TurnScheduler } from '../assistant/turns.js';
import type { EscalationService } from '../escalation/escalation-service.js';
import type { EscalationStores } from '../escalation/stores.js';
import type { Logger } from '../logger.js';
import type { Repositories } from '../storage/repositories.js';
import { BackgroundWork } from './background.js';
import { InboxLeases } from './inbox-leases.js';
import type { ChannelDeps } from './types.js';

/** The services the channels' dependencies are built from (the App provides them). */
export interface ChannelServices extends ChatPaperServices {
  assistant: Assistant;
  escalation: EscalationService;
  stores: Pick<EscalationStores, 'users'>;
  /** The update inbox lives there. */
  repos: Pick<Repositories, 'inbox'>;
  /** Shared with the assistant: acknowledgements of webhooks go before answers. */
  turns: TurnScheduler;
}

/** What every channel adapter is given, built from the app's services. */
export function createChannelDeps(services: ChannelServices, logger: Logger): ChannelDeps & { leases: InboxLeases } {
  const papers = chatPaperAnswererFor(services, logger);
  return {
    assistant: services.assistant,
    escalation: services.escalation,
    users: services.stores.users,
    logger,
    inbox: services.repos.inbox,
    background: new BackgroundWork(logger),
    turns: services.turns,
    leases: new InboxLeases(logger),
    ...(papers && { papers }),
  };
}
