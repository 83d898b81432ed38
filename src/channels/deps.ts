import type { App } from '../app.js';
import type { Logger } from '../logger.js';
import { BackgroundWork } from './background.js';
import type { ChannelDeps } from './types.js';

/** What every channel adapter is given, built from the app. */
export function createChannelDeps(app: App, logger: Logger): ChannelDeps {
  return {
    assistant: app.assistant,
    escalation: app.escalation,
    users: app.stores.users,
    logger,
    inbox: app.repos.inbox,
    background: new BackgroundWork(logger),
  };
}
