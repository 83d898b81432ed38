import path from 'node:path';
import type { Command } from 'commander';
import { backupDatabase, restoreDatabase } from '../storage/backup.js';
import { Database } from '../storage/database.js';
import { describeStorageEngine, storageEngineOf } from '../storage/engine.js';
import { createCliContext, type CliContext } from './context.js';

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('Write a consistent copy of the database (safe while the server runs)')
    .argument('<file>', 'where to write the copy')
    .action(async (file: string) => {
      const { config } = sqliteOnly(createCliContext(), 'backup');
      const db = await Database.open(config.databaseFile);
      try {
        const { bytes } = await backupDatabase(db, path.resolve(file));
        console.log(`Đã sao lưu cơ sở dữ liệu vào ${path.resolve(file)} (${bytes} byte).`);
      } finally {
        await db.close();
      }
    });

  program
    .command('restore')
    .description('Put a backup back in place of the database (stop the server first); re-run ingest afterwards if documents changed')
    .argument('<file>', 'the backup to restore')
    .action(async (file: string) => {
      const { config } = sqliteOnly(createCliContext(), 'restore');
      await restoreDatabase(path.resolve(file), config.databaseFile);
      console.log(`Đã khôi phục cơ sở dữ liệu từ ${path.resolve(file)}.`);
    });
}

/** backup and restore copy the SQLite file; a PostgreSQL deployment is backed up with the server's own tools. */
function sqliteOnly(context: CliContext, command: 'backup' | 'restore'): CliContext {
  const engine = storageEngineOf(context.config);
  if (engine.kind === 'sqlite') return context;
  const hint =
    command === 'backup'
      ? 'sao lưu bằng pg_dump, ví dụ: pg_dump --format=custom --file=trolyxa.dump "$DATABASE_URL"'
      : 'khôi phục bản sao lưu pg_dump bằng pg_restore, ví dụ: pg_restore --clean --if-exists --dbname="$DATABASE_URL" trolyxa.dump';
  throw new Error(`“trolyxa ${command}” chỉ dùng cho cơ sở dữ liệu SQLite; dữ liệu đang ở ${describeStorageEngine(engine)} (DATABASE_URL): ${hint}.`);
}
