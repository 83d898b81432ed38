import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type AppConfig } from '../config.js';
import { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { createLogger, type Logger } from '../logger.js';
import { openStorage } from '../storage/open-storage.js';

export interface CliContext {
  config: AppConfig;
  logger: Logger;
}

/** Reads `.env` from the working directory (if present) and parses the whole configuration once. */
export function createCliContext(): CliContext {
  const envFile = path.resolve('.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const config = loadConfig();
  return { config, logger: createLogger(config.logLevel) };
}

/**
 * Opens the knowledge base on the configured engine (SQLite, or PostgreSQL with DATABASE_URL: other
 * instances hear of an ingest); on an empty knowledge store, ingests the bundled knowledge first.
 */
export async function openKnowledgeBase(context: CliContext, options: { autoIngest?: boolean } = {}): Promise<KnowledgeBase> {
  const storage = await openStorage(context.config, { maxConnections: 4, onEvent: (message, detail) => context.logger.info({ ...detail }, message) });
  // Closing the knowledge base closes the whole storage opened for it.
  const kb = KnowledgeBase.create(context.config, { ...storage.knowledge, close: () => storage.close() }, { logger: context.logger });
  if (options.autoIngest !== false && (await kb.store.listDocuments()).length === 0) {
    const report = await kb.ingest();
    context.logger.info(
      { added: report.added.length, failed: report.failed.length },
      'knowledge base was empty: ingested the knowledge folder',
    );
  }
  return kb;
}
