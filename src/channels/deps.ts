import type { App } from '../app.js';
import type { Logger } from '../logger.js';
import { BackgroundWork } from './background.js';
import { SqliteUpdateInbox } from './inbox.js';
import type { ChannelDeps } from './types.js';

/** What every channel adapter is given, built from the app. */
export function createChannelDeps(app: App, logger: Logger): ChannelDeps {
  return {
    assistant: app.assistant,
    escalation: app.escalation,
    users: app.stores.users,
    logger,
    inbox: new SqliteUpdateInbox(app.db),
    background: new BackgroundWork(logger),
    turns: app.turns,
  };
}
