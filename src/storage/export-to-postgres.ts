import { existsSync } from 'node:fs';
import { Database } from './database.js';
import { migratePostgres } from './postgres/migrate.js';
import { PgDatabase, type PgValue } from './postgres/pg-database.js';
import { isPostgresUrl } from './postgres/url.js';

/**
 * `trolyxa export --to postgres`: copies a SQLite deployment into an empty PostgreSQL database — every
 * table and row, ids kept, identity sequences moved past the copied ids — in one PostgreSQL transaction
 * (all or nothing) while the SQLite file is held still by a transaction of its own.
 *
 * Nothing is dropped silently: a SQLite table or column with data that PostgreSQL's schema has no place
 * for, or a PostgreSQL column that needs a value SQLite does not have, refuses the whole export and names
 * each one. Empty ones are left out and listed in the report.
 */

export interface ExportedTable {
  table: string;
  rows: number;
}

export interface ExportReport {
  /** The tables copied, in the order they were (parents before the tables referring to them). */
  tables: ExportedTable[];
  /** Empty SQLite tables or columns PostgreSQL has no place for, left out. */
  skipped: { table: string; column?: string }[];
  totalRows: number;
  /** The schema version both databases were at. */
  schemaVersion: number;
}

/** The export was refused before anything was written; `message` says why, in Vietnamese. */
export class ExportRefusedError extends Error {
  constructor(
    message: string,
    readonly reason: 'bad-url' | 'no-source' | 'not-empty' | 'schema' | 'rejected-row',
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'ExportRefusedError';
  }
}

export interface ExportOptions {
  sqliteFile: string;
  postgresUrl: string;
  /** Copy into this PostgreSQL schema (tests); by default the connection's. */
  schema?: string;
}

/** Opens both databases (applying pending migrations to each), copies, and closes them. */
export async function exportSqliteToPostgres(options: ExportOptions): Promise<ExportReport> {
  if (!isPostgresUrl(options.postgresUrl)) {
    throw new ExportRefusedError('Địa chỉ PostgreSQL phải có dạng postgres://người_dùng:mật_khẩu@máy_chủ:5432/tên_cơ_sở_dữ_liệu (hoặc postgresql://…).', 'bad-url');
  }
  if (!existsSync(options.sqliteFile)) {
    throw new ExportRefusedError(`Không tìm thấy tệp SQLite ${options.sqliteFile}: không có gì để chép (kiểm tra DATA_DIR hoặc --from).`, 'no-source');
  }
  const sqlite = await Database.open(options.sqliteFile);
  try {
    const pg = await PgDatabase.open(options.postgresUrl, { maxConnections: 2, applicationName: 'trolyxa export', schema: options.schema });
    try {
      await migratePostgres(pg);
      return await copyDatabase(sqlite, pg);
    } finally {
      await pg.close();
    }
  } finally {
    await sqlite.close();
  }
}

interface SourceTable {
  name: string;
  columns: string[];
  rows: number;
  withoutRowid: boolean;
}

interface TargetColumn {
  name: string;
  notNull: boolean;
  hasDefault: boolean;
  identity: 'ALWAYS' | 'BY DEFAULT' | undefined;
}

/** Not data: each engine keeps its own record of the migrations it applied. */
const BOOKKEEPING = new Set(['schema_migrations']);

/** Parameters per INSERT, well below PostgreSQL's limit of 65,535. */
const PARAMS_PER_STATEMENT = 20_000;
/** Rows read from SQLite at a time. */
const READ_PAGE = 2_000;

/** Copies every table of `sqlite` into the empty, migrated `pg` (see the module's comment). */
export async function copyDatabase(sqlite: Database, pg: PgDatabase): Promise<ExportReport> {
  // The SQLite transaction keeps other writers out, so the copy is one consistent snapshot.
  return sqlite.transaction(() =>
    pg.transaction(async () => {
      await pg.run("SELECT pg_advisory_xact_lock(hashtext('trolyxa.export.' || current_schema()))");
      const source = await sourceTables(sqlite);
      const target = await targetTables(pg);
      const schemaVersion = await checkVersions(sqlite, pg);
      await refuseNonEmpty(pg, [...target.keys()]);
      const plan = await planCopy(sqlite, source, target);
      const order = dependencyOrder(plan.map((p) => p.table.name), await foreignKeys(pg));
      const tables: ExportedTable[] = [];
      for (const name of order) {
        const step = plan.find((p) => p.table.name === name)!;
        tables.push({ table: name, rows: await copyTable(sqlite, pg, step.table, step.columns, step.overriding) });
      }
      await verifyCounts(pg, tables);
      await resetSequences(pg, target);
      return { tables, skipped: planSkipped(source, target), totalRows: tables.reduce((n, t) => n + t.rows, 0), schemaVersion };
    }),
  );
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

async function sourceTables(sqlite: Database): Promise<SourceTable[]> {
  const tables = await sqlite.all<{ name: string; sql: string | null }>(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const out: SourceTable[] = [];
  for (const { name, sql } of tables) {
    if (BOOKKEEPING.has(name)) continue;
    const columns = (await sqlite.all<{ name: string }>('SELECT name FROM pragma_table_info(?) ORDER BY cid', [name])).map((c) => c.name);
    const rows = (await sqlite.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quote(name)}`))!.n;
    out.push({ name, columns, rows, withoutRowid: /without\s+rowid/i.test(sql ?? '') });
  }
  return out;
}

async function targetTables(pg: PgDatabase): Promise<Map<string, TargetColumn[]>> {
  const rows = await pg.all<{ table_name: string; column_name: string; is_nullable: string; column_default: string | null; is_identity: string; identity_generation: string | null; is_generated: string }>(
    `SELECT c.table_name, c.column_name, c.is_nullable, c.column_default, c.is_identity, c.identity_generation, c.is_generated
     FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
     ORDER BY c.table_name, c.ordinal_position`,
  );
  const tables = new Map<string, TargetColumn[]>();
  for (const r of rows) {
    if (BOOKKEEPING.has(r.table_name)) continue;
    const identity = r.is_identity === 'YES' ? (r.identity_generation as TargetColumn['identity']) : undefined;
    const column: TargetColumn = {
      name: r.column_name,
      notNull: r.is_nullable === 'NO',
      hasDefault: r.column_default !== null || identity !== undefined || r.is_generated === 'ALWAYS',
      identity,
    };
    tables.set(r.table_name, [...(tables.get(r.table_name) ?? []), column]);
  }
  return tables;
}

async function checkVersions(sqlite: Database, pg: PgDatabase): Promise<number> {
  const version = async (db: Database | PgDatabase) => (await db.get<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations'))?.v ?? 0;
  const [from, to] = [await version(sqlite), await version(pg)];
  if (from !== to) {
    throw new ExportRefusedError(
      `Không thể chép: tệp SQLite ở phiên bản lược đồ ${from}, còn PostgreSQL ở phiên bản ${to}. Hãy dùng cùng một phiên bản Trợ lý Xã cho cả hai (chạy trolyxa migrate) rồi chạy lại. Chưa có gì được chép.`,
      'schema',
      [`phiên bản lược đồ: SQLite ${from}, PostgreSQL ${to}`],
    );
  }
  return from;
}

async function refuseNonEmpty(pg: PgDatabase, tables: readonly string[]): Promise<void> {
  const filled: string[] = [];
  for (const table of [...tables].sort()) {
    const n = (await pg.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quote(table)}`))!.n;
    if (n > 0) filled.push(`${table} (${n} dòng)`);
  }
  if (filled.length === 0) return;
  throw new ExportRefusedError(
    `Cơ sở dữ liệu PostgreSQL đích không trống: ${filled.join(', ')}. Lệnh export chỉ chép vào một cơ sở dữ liệu mới, trống, để không trộn hay ghi đè dữ liệu đang có. Hãy tạo một cơ sở dữ liệu mới (ví dụ: createdb trolyxa_moi) rồi chạy lại với địa chỉ của nó. Chưa có gì được chép.`,
    'not-empty',
    filled,
  );
}

interface CopyStep {
  table: SourceTable;
  columns: string[];
  /** The target has a GENERATED ALWAYS identity column among `columns`: the copied ids override it. */
  overriding: boolean;
}

/** What each table copies, or the reasons the export is refused. */
async function planCopy(sqlite: Database, source: readonly SourceTable[], target: Map<string, TargetColumn[]>): Promise<CopyStep[]> {
  const problems: string[] = [];
  const steps: CopyStep[] = [];
  for (const table of source) {
    const targetColumns = target.get(table.name);
    if (!targetColumns) {
      if (table.rows > 0) problems.push(`bảng “${table.name}” (${table.rows} dòng) có trong SQLite nhưng không có trong PostgreSQL`);
      continue;
    }
    const targetNames = new Set(targetColumns.map((c) => c.name));
    for (const column of table.columns.filter((c) => !targetNames.has(c))) {
      const n = (await sqlite.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quote(table.name)} WHERE ${quote(column)} IS NOT NULL`))!.n;
      if (n > 0) problems.push(`cột “${table.name}.${column}” (${n} dòng có giá trị) có trong SQLite nhưng không có trong PostgreSQL`);
    }
    const sourceNames = new Set(table.columns);
    for (const column of targetColumns.filter((c) => !sourceNames.has(c.name) && c.notNull && !c.hasDefault)) {
      if (table.rows > 0) problems.push(`cột “${table.name}.${column.name}” bắt buộc phải có giá trị trong PostgreSQL nhưng không có trong SQLite`);
    }
    const columns = table.columns.filter((c) => targetNames.has(c));
    const overriding = targetColumns.some((c) => c.identity === 'ALWAYS' && sourceNames.has(c.name));
    steps.push({ table, columns, overriding });
  }
  if (problems.length > 0) {
    throw new ExportRefusedError(
      `Không thể chép mà không bỏ mất dữ liệu; chưa có gì được chép:\n${problems.map((p) => `  - ${p}`).join('\n')}\nHãy dùng cùng một phiên bản Trợ lý Xã cho cả hai cơ sở dữ liệu (trolyxa migrate), hoặc chuyển phần dữ liệu này bằng tay, rồi chạy lại.`,
      'schema',
      problems,
    );
  }
  return steps;
}

/** Empty SQLite tables and columns that PostgreSQL has no place for (planCopy refused the others). */
function planSkipped(source: readonly SourceTable[], target: Map<string, TargetColumn[]>): ExportReport['skipped'] {
  const skipped: ExportReport['skipped'] = [];
  for (const table of source) {
    const targetColumns = target.get(table.name);
    if (!targetColumns) skipped.push({ table: table.name });
    else for (const column of table.columns) if (!targetColumns.some((c) => c.name === column)) skipped.push({ table: table.name, column });
  }
  return skipped;
}

async function foreignKeys(pg: PgDatabase): Promise<{ child: string; parent: string }[]> {
  return pg.all<{ child: string; parent: string }>(
    `SELECT child.relname AS child, parent.relname AS parent
     FROM pg_constraint c
     JOIN pg_class child ON child.oid = c.conrelid
     JOIN pg_class parent ON parent.oid = c.confrelid
     JOIN pg_namespace n ON n.oid = c.connamespace
     WHERE c.contype = 'f' AND n.nspname = current_schema()`,
  );
}

/** The tables with every table a foreign key points to before the table holding it (by name otherwise). */
export function dependencyOrder(tables: readonly string[], keys: readonly { child: string; parent: string }[]): string[] {
  const pending = new Set([...tables].sort());
  const order: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending].find((t) => !keys.some((k) => k.child === t && k.parent !== t && pending.has(k.parent)));
    if (ready === undefined) throw new Error(`foreign keys form a cycle among ${[...pending].join(', ')}`);
    order.push(ready);
    pending.delete(ready);
  }
  return order;
}

/** Copies one table in pages, in SQLite's row order (so an identity PostgreSQL adds follows it). */
async function copyTable(sqlite: Database, pg: PgDatabase, table: SourceTable, columns: readonly string[], overriding: boolean): Promise<number> {
  if (table.rows === 0 || columns.length === 0) return 0;
  const list = columns.map(quote).join(', ');
  const perStatement = Math.max(1, Math.floor(PARAMS_PER_STATEMENT / columns.length));
  const insert = async (rows: Record<string, unknown>[]) => {
    for (let start = 0; start < rows.length; start += perStatement) {
      const batch = rows.slice(start, start + perStatement);
      const values = batch.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
      const params = batch.flatMap((row) => columns.map((c) => (row[c] ?? null) as PgValue));
      try {
        await pg.run(`INSERT INTO ${quote(table.name)} (${list})${overriding ? ' OVERRIDING SYSTEM VALUE' : ''} VALUES ${values}`, params);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new ExportRefusedError(`PostgreSQL từ chối dữ liệu của bảng “${table.name}”: ${why}. Chưa có gì được chép.`, 'rejected-row', [why]);
      }
    }
  };
  if (table.withoutRowid) {
    const rows = await sqlite.all<Record<string, unknown>>(`SELECT ${list} FROM ${quote(table.name)}`);
    await insert(rows);
    return rows.length;
  }
  let copied = 0;
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const rows = await sqlite.all<Record<string, unknown> & { trolyxa_rowid: number }>(
      `SELECT rowid AS trolyxa_rowid, ${list} FROM ${quote(table.name)} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
      [after, READ_PAGE],
    );
    if (rows.length === 0) return copied;
    await insert(rows);
    copied += rows.length;
    after = rows.at(-1)!.trolyxa_rowid;
  }
}

async function verifyCounts(pg: PgDatabase, tables: readonly ExportedTable[]): Promise<void> {
  for (const { table, rows } of tables) {
    const n = (await pg.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quote(table)}`))!.n;
    if (n !== rows) throw new Error(`export: ${table} holds ${n} rows on PostgreSQL after copying ${rows}`);
  }
}

/** Moves every identity sequence past the largest id copied (or back to 1 for an empty table). */
async function resetSequences(pg: PgDatabase, target: Map<string, TargetColumn[]>): Promise<void> {
  for (const [table, columns] of target) {
    for (const column of columns.filter((c) => c.identity)) {
      await pg.run(
        `SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX(${quote(column.name)}), 0) + 1, false) FROM ${quote(table)}`,
        [quote(table), column.name],
      );
    }
  }
}
