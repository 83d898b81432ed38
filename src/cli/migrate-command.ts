import type { Command } from 'commander';
import { describeStorageEngine, migrateStorage, storageEngineOf } from '../storage/engine.js';
import { createCliContext } from './context.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending schema migrations to the configured database (SQLite file, or PostgreSQL when DATABASE_URL is set)')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) => {
      const { config } = createCliContext();
      const engine = storageEngineOf(config);
      const report = await migrateStorage(engine);
      const where = describeStorageEngine(engine);
      if (options.json) {
        console.log(JSON.stringify({ engine: engine.kind, database: where, applied: report.applied, version: report.version }));
      } else if (report.applied.length === 0) {
        console.log(`${where}: lược đồ đã ở phiên bản ${report.version}, không có bản cập nhật nào cần áp dụng.`);
      } else {
        console.log(`${where}: đã áp dụng ${report.applied.length} bản cập nhật lược đồ (${report.applied.join(', ')}); lược đồ ở phiên bản ${report.version}.`);
      }
    });
}
