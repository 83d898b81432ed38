import { PgFormStore } from './form-repository.js';
import type { Repositories } from '../repositories.js';
import { pruneWebState } from '../web-housekeeping.js';
import { PgBroadcastRepository } from './broadcast-repository.js';
import { PgAuditRepository } from './audit-repository.js';
import { PgChannelStateStore } from './channel-state.js';
import type { InboxClaimant } from '../update-inbox.js';
import type { PgDatabase } from './pg-database.js';
import { PgReportingRepository } from './reporting-repository.js';
import { PgSessionRepository } from './sessions-repository.js';
import { PgUpdateInbox } from './update-inbox.js';
import { PgWebAccountRepository } from './web-accounts-repository.js';
import { PgWebChatRepository } from './web-chat-repository.js';

/**
 * Every repository of `Repositories` over one PostgreSQL pool (the schema migrated by migratePostgres);
 * the inbox claims updates for `claimant`.
 */
export function createPostgresRepositories(db: PgDatabase, claimant?: InboxClaimant): Repositories {
  return {
    webAccounts: new PgWebAccountRepository(db),
    sessions: new PgSessionRepository(db),
    audit: new PgAuditRepository(db),
    webChat: new PgWebChatRepository(db),
    webState: { prune: (now) => pruneWebState(db, now) },
    reporting: new PgReportingRepository(db),
    channelState: new PgChannelStateStore(db),
    broadcasts: new PgBroadcastRepository(db),
    forms: new PgFormStore(db),
    inbox: new PgUpdateInbox(db, undefined, claimant),
  };
}
