import path from 'node:path';
import type { Command } from 'commander';
import { describeStorageEngine } from '../storage/engine.js';
import { exportSqliteToPostgres, type ExportReport } from '../storage/export-to-postgres.js';
import { createCliContext } from './context.js';

/** `trolyxa export --to postgres [URL]`: moves a SQLite deployment into an empty PostgreSQL database. */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('Copy the SQLite database (every table and row, ids kept) into an empty PostgreSQL database, in one transaction')
    .requiredOption('--to <engine>', 'the engine to copy into: postgres')
    .argument('[url]', 'the PostgreSQL database (postgres://…); default: DATABASE_URL')
    .option('--from <file>', 'the SQLite file (default: the one under DATA_DIR)')
    .option('--json', 'print one JSON object')
    .action(async (url: string | undefined, options: { to: string; from?: string; json?: boolean }) => {
      if (options.to !== 'postgres') throw new Error(`--to ${options.to}: chỉ hỗ trợ --to postgres.`);
      const { config } = createCliContext();
      const target = url ?? config.databaseUrl;
      if (!target) throw new Error('Chưa có địa chỉ PostgreSQL: ghi nó sau --to postgres, hoặc đặt DATABASE_URL.');
      const sqliteFile = path.resolve(options.from ?? config.databaseFile);
      const from = describeStorageEngine({ kind: 'sqlite', file: sqliteFile });
      const to = describeStorageEngine({ kind: 'postgres', url: target });
      const report = await exportSqliteToPostgres({ sqliteFile, postgresUrl: target });
      if (options.json) console.log(JSON.stringify({ from, to, ...report }));
      else console.log(formatReport(report, from, to));
    });
}

function formatReport(report: ExportReport, from: string, to: string): string {
  const width = Math.max(...report.tables.map((t) => t.table.length), 4);
  const lines = [`Đã chép ${from} sang ${to} (lược đồ phiên bản ${report.schemaVersion}):`];
  for (const { table, rows } of report.tables) lines.push(`  ${table.padEnd(width)}  ${String(rows).padStart(8)} dòng`);
  lines.push(`Tổng cộng ${report.totalRows} dòng trong ${report.tables.length} bảng; các bộ đếm mã số (id) đã được đặt tiếp sau mã lớn nhất.`);
  for (const { table, column } of report.skipped) {
    lines.push(`Bỏ qua ${column ? `cột “${table}.${column}”` : `bảng “${table}”`}: trống, và PostgreSQL không có ${column ? 'cột' : 'bảng'} này.`);
  }
  return lines.join('\n');
}
