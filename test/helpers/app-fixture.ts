import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, type App, type CreateAppOptions } from '../../src/app.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import type { Database } from '../../src/storage/database.js';
import { openStorage } from '../../src/storage/open-storage.js';
import type { OutboundMessage } from '../../src/escalation/types.js';
import { ChannelRouter, type SendResult } from '../../src/escalation/outbound-port.js';
import { makeTempDir } from './temp-dir.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** An app on SQLite, with the database handle the app keeps to itself given to the test (to look at rows). */
export type TestApp = App & { readonly db: Database };

/** `createApp` on SQLite, handing the test the database handle too. */
export async function createSqliteTestApp(config: AppConfig, options: Omit<CreateAppOptions, 'storage'> = {}): Promise<TestApp> {
  const storage = await openStorage(config);
  if (!('database' in storage)) {
    await storage.close();
    throw new Error('createSqliteTestApp: the configuration names PostgreSQL');
  }
  const app = await createApp(config, { ...options, storage });
  return Object.assign(app, { db: storage.database });
}

/** An app over the real knowledge folder with its data in a fresh temporary folder. */
export async function createTestApp(
  env: Record<string, string> = {},
  dataDir?: string,
  options: Omit<CreateAppOptions, 'storage'> = {},
): Promise<{ app: TestApp; dataDir: string; cleanup(): Promise<void> }> {
  const dir = dataDir ?? (await makeTempDir());
  const config = loadConfig({ DATA_DIR: dir, KNOWLEDGE_DIR: path.join(ROOT, 'knowledge'), LOG_LEVEL: 'silent', ...env }, ROOT);
  const app = await createSqliteTestApp(config, options);
  return {
    app,
    dataDir: dir,
    async cleanup() {
      await app.close().catch(() => undefined);
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A channel adapter that records what it is asked to send (optionally failing first). */
export class RecordingPort {
  readonly sent: OutboundMessage[] = [];
  failuresLeft = 0;

  async send(message: OutboundMessage): Promise<SendResult> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      return { ok: false, retryable: true, error: 'emulated outage' };
    }
    this.sent.push(message);
    return { ok: true };
  }

  router(channel = 'test'): ChannelRouter {
    const router = new ChannelRouter();
    router.register(channel, this);
    return router;
  }
}
