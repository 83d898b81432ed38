import type { AppConfig } from './config.js';
import { Assistant } from './assistant/assistant.js';
import { TurnTaker } from './assistant/turns.js';
import { LlmAnswerer, loadPromptTemplates } from './assistant/llm.js';
import { ThreadedChatCompleter } from './assistant/threaded-chat-completer.js';
import type { QuestionLogStore } from './assistant/question-log.js';
import { SqliteQuestionLog } from './storage/sqlite/question-log-repository.js';
import { AccessPolicy } from './escalation/access-policy.js';
import { KnowledgeSourcing } from './curation/sources.js';
import { EscalationService } from './escalation/escalation-service.js';
import { createSqliteEscalationStores } from './storage/sqlite/escalation-stores.js';
import type { EscalationStores } from './escalation/stores.js';
import { KnowledgeBase } from './knowledge/knowledge-base.js';
import type { Logger } from './logger.js';
import { Database } from './storage/database.js';
import { SingleInstanceLock, type LeaderLock } from './storage/leader-lock.js';
import type { Repositories } from './storage/repositories.js';
import { createSqliteRepositories } from './storage/sqlite/repositories.js';

/** Everything the assistant needs, wired from one configuration over one database. */
export interface App {
  config: AppConfig;
  db: Database;
  kb: KnowledgeBase;
  stores: EscalationStores;
  /** The console's, web chat's, server's and channels' repositories. */
  repos: Repositories;
  escalation: EscalationService;
  log: QuestionLogStore;
  assistant: Assistant;
  /** Event-loop turns shared by the channels' intake and the assistant: acknowledgements go first. */
  turns: TurnTaker;
  /** Who runs the polling channels among the instances on one database (SQLite: this process alone). */
  leaderLock: LeaderLock;
  close(): Promise<void>;
}

export async function createApp(
  config: AppConfig,
  options: { logger?: Logger; now?: () => Date; autoIngest?: boolean; searchThread?: boolean } = {},
): Promise<App> {
  const db = await Database.open(config.databaseFile);
  let kb: KnowledgeBase | undefined;
  try {
    kb = await KnowledgeBase.open(config, { logger: options.logger, db, searchThread: options.searchThread });
    if (options.autoIngest !== false && (await kb.store.listDocuments()).length === 0) {
      const report = await kb.ingest();
      options.logger?.info({ added: report.added.length, failed: report.failed.length }, 'knowledge base was empty: ingested the knowledge folder');
    }
    const stores = createSqliteEscalationStores(db);
    const escalation = new EscalationService(stores, {
      now: options.now,
      reminderAfterMs: config.assistant.ticketReminderMs,
      access: new AccessPolicy(stores.users, config.assistant.accessPolicy),
      sourcing: new KnowledgeSourcing(kb.store, options.now),
      logger: options.logger,
    });
    const log = new SqliteQuestionLog(db);
    const repos = createSqliteRepositories(db, { instanceId: config.instanceId, leaseMs: config.inbox.leaseMs });
    const leaderLock = new SingleInstanceLock();
    // The model runs in its own thread; a bad LLM configuration fails here, at start-up.
    const llm =
      config.llm.provider !== 'none' && config.llm.model
        ? new LlmAnswerer(await ThreadedChatCompleter.start(config.llm), loadPromptTemplates(), config.llm.timeoutMs)
        : undefined;
    const turns = new TurnTaker();
    const assistant = new Assistant({
      turns,
      kb,
      escalation,
      curated: stores.curated,
      users: stores.users,
      log,
      llm,
      now: options.now,
      logger: options.logger,
      settings: {
        maxQuestionChars: config.assistant.maxQuestionChars,
        memoryTtlMs: config.assistant.memoryTtlMs,
        questionsPerMinute: config.assistant.questionsPerMinute,
        curatedMinSimilarity: config.assistant.curatedMinSimilarity,
        gate: {
          minConfidence: config.assistant.minConfidence,
          outOfDomainBelow: config.assistant.outOfDomainBelow,
          inDomainMinConfidence: config.assistant.inDomainMinConfidence,
          ambiguityMargin: config.assistant.ambiguityMargin,
        },
      },
    });
    const close = async () => {
      await leaderLock.close();
      await llm?.close();
      await kb?.stopThreads();
      await db.close();
    };
    return { config, db, kb, stores, repos, escalation, log, assistant, turns, leaderLock, close };
  } catch (error) {
    await kb?.stopThreads();
    await db.close();
    throw error;
  }
}
