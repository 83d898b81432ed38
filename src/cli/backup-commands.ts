import path from 'node:path';
import type { Command } from 'commander';
import { backupDatabase, restoreDatabase } from '../storage/backup.js';
import { Database } from '../storage/database.js';
import { createCliContext } from './context.js';

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('Write a consistent copy of the database (safe while the server runs)')
    .argument('<file>', 'where to write the copy')
    .action(async (file: string) => {
      const { config } = createCliContext();
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
      const { config } = createCliContext();
      await restoreDatabase(path.resolve(file), config.databaseFile);
      console.log(`Đã khôi phục cơ sở dữ liệu từ ${path.resolve(file)}.`);
    });
}
