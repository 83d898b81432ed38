import type { AppConfig } from './config.js';
import { Assistant } from './assistant/assistant.js';
import { TurnTaker, type TurnScheduler } from './assistant/turns.js';
import { PaperQuestions } from './assistant/paper-questions.js';
import type { ScanReader } from './ocr/scan-reader.js';
import { LlmAnswerer, loadPromptTemplates } from './assistant/llm.js';
import { ThreadedChatCompleter } from './assistant/threaded-chat-completer.js';
import type { QuestionLogStore } from './assistant/question-log.js';
import { AccessPolicy } from './escalation/access-policy.js';
import { KnowledgeSourcing } from './curation/sources.js';
import { EscalationService } from './escalation/escalation-service.js';
import type { EscalationStores } from './escalation/stores.js';
import { KnowledgeBase } from './knowledge/knowledge-base.js';
import type { Logger } from './logger.js';
import type { StorageEngine } from './storage/engine.js';
import type { LeaderLock } from './storage/leader-lock.js';
import { openStorage, type Storage } from './storage/open-storage.js';
import type { Repositories } from './storage/repositories.js';
import { FormDelivery } from './forms/form-delivery.js';
import { FormRequests } from './forms/form-requests.js';
import { ND131_FORMS } from './forms/nd131-forms.js';

/** Everything the assistant needs, wired from one configuration over one database (SQLite or PostgreSQL). */
export interface App {
  config: AppConfig;
  /** Which engine holds the data (for what only one engine can do, such as `trolyxa backup`), and where. */
  engine: StorageEngine;
  kb: KnowledgeBase;
  stores: EscalationStores;
  /** The console's, web chat's, server's and channels' repositories. */
  repos: Repositories;
  escalation: EscalationService;
  log: QuestionLogStore;
  assistant: Assistant;
  /** Questions that come with a photo or PDF of a paper (read by `scanReader`). */
  papers: PaperQuestions;
  /** Reads photos and scanned PDFs sent in the chats; none configured: the chats ask for the question in text. */
  scanReader?: ScanReader;
  /** Event-loop turns shared by the channels' intake and the assistant: acknowledgements go first. */
  turns: TurnScheduler;
  /** Who runs the polling channels among the instances on one database (SQLite: this process alone). */
  leaderLock: LeaderLock;
  /** Forms as files: answering "/mau 12" and offering forms (requests), sending and serving their files (delivery). */
  forms: { requests: FormRequests; delivery: FormDelivery };
  close(): Promise<void>;
}

export interface CreateAppOptions {
  logger?: Logger;
  now?: () => Date;
  autoIngest?: boolean;
  searchThread?: boolean;
  /** Reads photos and scanned PDFs sent in the chats (the Tesseract reader in production, a fake in tests). */
  scanReader?: ScanReader;
  /** Storage opened by the caller (tests that also read the database); the app closes it. Default: `openStorage(config)`. */
  storage?: Storage;
}

export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<App> {
  const logger = options.logger;
  const storage =
    options.storage ?? (await openStorage(config, { onEvent: (message, detail) => logger?.info({ ...detail }, message) }));
  let kb: KnowledgeBase | undefined;
  try {
    kb = KnowledgeBase.create(config, { ...storage.knowledge, close: async () => undefined }, { logger, searchThread: options.searchThread });
    if (options.autoIngest !== false && (await kb.store.listDocuments()).length === 0) {
      const report = await kb.ingest();
      logger?.info({ added: report.added.length, failed: report.failed.length }, 'knowledge base was empty: ingested the knowledge folder');
    }
    const { stores, repos, log, leaderLock } = storage;
    const escalation = new EscalationService(stores, {
      now: options.now,
      reminderAfterMs: config.assistant.ticketReminderMs,
      access: new AccessPolicy(stores.users, config.assistant.accessPolicy),
      claimRenewMs: Math.max(1_000, Math.floor(config.inbox.leaseMs / 3)),
      sourcing: new KnowledgeSourcing(kb.store, options.now),
      logger,
    });
    // The model runs in its own thread; a bad LLM configuration fails here, at start-up.
    const llm =
      config.llm.provider !== 'none' && config.llm.model
        ? new LlmAnswerer(await ThreadedChatCompleter.start(config.llm), loadPromptTemplates(), config.llm.timeoutMs)
        : undefined;
    // Every form of Phụ lục I is registered (without a file) before anyone can ask for one.
    await repos.forms.seed(ND131_FORMS);
    const forms = {
      requests: new FormRequests(repos.forms, escalation),
      delivery: new FormDelivery(repos.forms, { linkTtlMs: config.forms.linkTtlMs, publicUrl: config.publicUrl, now: options.now }),
    };
    const turns = new TurnTaker();
    const assistant = new Assistant({
      turns,
      kb,
      escalation,
      curated: stores.curated,
      users: stores.users,
      log,
      llm,
      forms: forms.requests,
      now: options.now,
      logger,
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
    const opened = kb;
    const close = async () => {
      await llm?.close();
      await opened.stopThreads();
      await storage.close();
    };
    const papers = new PaperQuestions({ assistant, kb });
    return {
      config, engine: storage.engine, kb, stores, repos, escalation, log, assistant, papers, turns, leaderLock, forms, close,
      ...(options.scanReader && { scanReader: options.scanReader }),
    };
  } catch (error) {
    await kb?.stopThreads();
    await storage.close();
    throw error;
  }
}
