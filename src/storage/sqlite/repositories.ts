import type { Database } from '../database.js';
import { SqliteFormStore } from './form-repository.js';
import type { Repositories } from '../repositories.js';
import type { InboxClaimant } from '../update-inbox.js';
import { pruneWebState } from '../web-housekeeping.js';
import { SqliteBroadcastRepository } from './broadcast-repository.js';
import { SqliteAuditRepository } from './audit-repository.js';
import { SqliteChannelStateStore } from './channel-state-repository.js';
import { SqliteUpdateInbox } from './inbox-repository.js';
import { SqliteReportingRepository } from './reporting-repository.js';
import { SqliteSessionRepository } from './sessions-repository.js';
import { SqliteWebAccountRepository } from './web-accounts-repository.js';
import { SqliteWebChatRepository } from './web-chat-repository.js';

/** Every repository of `Repositories` over one SQLite database; the inbox claims updates for `claimant`. */
export function createSqliteRepositories(db: Database, claimant?: InboxClaimant): Repositories {
  return {
    webAccounts: new SqliteWebAccountRepository(db),
    sessions: new SqliteSessionRepository(db),
    audit: new SqliteAuditRepository(db),
    webChat: new SqliteWebChatRepository(db),
    webState: { prune: (now) => pruneWebState(db, now) },
    reporting: new SqliteReportingRepository(db),
    channelState: new SqliteChannelStateStore(db),
    broadcasts: new SqliteBroadcastRepository(db),
    forms: new SqliteFormStore(db),
    inbox: new SqliteUpdateInbox(db, undefined, claimant),
  };
}
