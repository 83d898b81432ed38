import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/storage/database.js';
import { migrateStorage } from '../../src/storage/engine.js';
import { MIGRATIONS } from '../../src/storage/migrations.js';
import { migratePostgres } from '../../src/storage/postgres/migrate.js';
import { PG_MIGRATIONS } from '../../src/storage/postgres/migrations.js';
import { PgDatabase } from '../../src/storage/postgres/pg-database.js';
import { describePostgres, openMigratedPg, uniqueSchema, usePostgresDatabase } from '../helpers/postgres.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

/** A column as both engines can describe it: SQLite's type affinity, and whether NULL is refused. */
interface Column {
  type: 'INTEGER' | 'REAL' | 'TEXT' | string;
  notNull: boolean;
}
type Schema = Record<string, Record<string, Column>>;

/** Columns PostgreSQL has in place of something SQLite gives implicitly (processed_updates' rowid). */
const PG_ONLY_COLUMNS: Record<string, string[]> = { processed_updates: ['seq'] };

const PG_AFFINITY: Record<string, Column['type']> = {
  bigint: 'INTEGER',
  bytea: 'BLOB',
  integer: 'INTEGER',
  smallint: 'INTEGER',
  'double precision': 'REAL',
  real: 'REAL',
  numeric: 'REAL',
  text: 'TEXT',
  'character varying': 'TEXT',
  json: 'TEXT',
  jsonb: 'TEXT',
};

async function sqliteSchema(db: Database): Promise<Schema> {
  const schema: Schema = {};
  const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  for (const { name } of tables) {
    const columns = await db.all<{ name: string; type: string; notnull: number; pk: number }>('SELECT name, type, "notnull", pk FROM pragma_table_info(?)', [name]);
    schema[name] = Object.fromEntries(columns.map((c) => [c.name, { type: c.type.toUpperCase(), notNull: c.notnull === 1 || c.pk > 0 }]));
  }
  return schema;
}

async function pgSchema(db: PgDatabase): Promise<Schema> {
  const rows = await db.all<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  const schema: Schema = {};
  for (const r of rows) {
    if (PG_ONLY_COLUMNS[r.table_name]?.includes(r.column_name)) continue;
    (schema[r.table_name] ??= {})[r.column_name] = { type: PG_AFFINITY[r.data_type] ?? r.data_type, notNull: r.is_nullable === 'NO' };
  }
  return schema;
}

let dir: string;
let sqlite: Database;

beforeAll(async () => {
  dir = await makeTempDir();
  sqlite = await Database.open(path.join(dir, 'contract.sqlite'));
});
afterAll(async () => {
  await sqlite.close();
  await rm(dir, { recursive: true, force: true });
});

describe('migrations in both dialects', () => {
  it('have the same versions', () => {
    expect(PG_MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('SQLite: trolyxa migrate applies them once, then finds nothing to do', async () => {
    const file = path.join(dir, 'migrate.sqlite');
    const first = await migrateStorage({ kind: 'sqlite', file });
    expect(first).toEqual({ applied: MIGRATIONS.map((m) => m.version), version: MIGRATIONS.at(-1)!.version });
    expect(await migrateStorage({ kind: 'sqlite', file })).toEqual({ applied: [], version: first.version });
  });
});

describePostgres('migrations on PostgreSQL', () => {
  const database = usePostgresDatabase();
  let pg: PgDatabase;

  beforeAll(async () => {
    pg = await openMigratedPg(database.url);
  });
  afterAll(async () => {
    await pg?.close();
  });

  it('produce the tables and columns of SQLite’s, with comparable types and the same NOT NULLs', async () => {
    const expected = await sqliteSchema(sqlite);
    const actual = await pgSchema(pg);
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const table of Object.keys(expected)) expect({ table, columns: actual[table] }).toEqual({ table, columns: expected[table] });
  });

  it('record every version and apply nothing a second time', async () => {
    const versions = await pg.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await migratePostgres(pg)).toEqual([]);
  });

  it('apply each migration once when several instances start at the same time', async () => {
    const schema = uniqueSchema();
    const instances = await Promise.all([1, 2, 3].map(() => PgDatabase.open(database.url, { schema, maxConnections: 2 })));
    try {
      const applied = await Promise.all(instances.map((db) => migratePostgres(db)));
      expect(applied.flat().sort((a, b) => a - b)).toEqual(PG_MIGRATIONS.map((m) => m.version));
    } finally {
      await Promise.all(instances.map((db) => db.close()));
    }
  });

  it('keep ticket events and the console audit append-only, as SQLite’s triggers do', async () => {
    const now = new Date().toISOString();
    const ticket = await pg.get<{ id: number }>(
      `INSERT INTO tickets (asker_channel, asker_chat_id, asker_user_id, question, reason, status, created_at, updated_at)
       VALUES ('telegram', '1', '1', 'q', 'low_confidence', 'open', ?, ?) RETURNING id`,
      [now, now],
    );
    expect(typeof ticket?.id).toBe('number');
    await pg.run("INSERT INTO ticket_events (ticket_id, actor, action, at) VALUES (?, 'system', 'opened', ?)", [ticket!.id, now]);
    await expect(pg.run("UPDATE ticket_events SET actor = 'x'")).rejects.toThrow('ticket_events is append-only');
    await expect(pg.run('DELETE FROM ticket_events')).rejects.toThrow('ticket_events is append-only');
    await pg.run("INSERT INTO web_audit (at, actor, action) VALUES (?, 'admin', 'login')", [now]);
    await expect(pg.run('DELETE FROM web_audit')).rejects.toThrow('web_audit is append-only');
  });

  it('accept the outbox kinds of the latest migration and refuse others', async () => {
    const now = new Date().toISOString();
    const insert = (kind: string) =>
      pg.run(
        `INSERT INTO outbox (channel, chat_id, kind, text, status, next_attempt_at, created_at) VALUES ('telegram', '1', ?, 't', 'pending', ?, ?)`,
        [kind, now, now],
      );
    await insert('answer');
    await expect(insert('spam')).rejects.toThrow(/outbox_kind_check/);
    expect(await pg.get('SELECT priority FROM outbox')).toEqual({ priority: 0 });
  });

  it('compare console e-mails without regard to case, like SQLite’s COLLATE NOCASE', async () => {
    const now = new Date().toISOString();
    const user = await pg.get<{ id: number }>(
      `INSERT INTO users (channel, channel_user_id, chat_id, display_name, role, created_at, updated_at)
       VALUES ('web', 'a', 'a', 'Quản trị', 'admin', ?, ?) RETURNING id`,
      [now, now],
    );
    const account = (email: string) =>
      pg.run("INSERT INTO web_accounts (email, password_hash, role, user_id, created_at, updated_at) VALUES (?, 'h', 'admin', ?, ?, ?)", [email, user!.id, now, now]);
    await account('QuanTri@xa.gov.vn');
    await expect(account('quantri@XA.gov.vn')).rejects.toThrow(/web_accounts_email/);
  });

  it('trolyxa migrate applies them on DATABASE_URL and never prints its password', async () => {
    const env = { ...process.env, DATABASE_URL: database.url, DATA_DIR: dir, LOG_LEVEL: 'silent' };
    const cli = (...args: string[]) => run(process.execPath, [path.join(ROOT, 'bin', 'trolyxa.js'), 'migrate', ...args], { cwd: dir, env });
    const first = await cli('--json');
    const report = JSON.parse(first.stdout.trim().split('\n').at(-1)!) as { engine: string; applied: number[]; version: number; database: string };
    expect(report).toMatchObject({ engine: 'postgres', applied: PG_MIGRATIONS.map((m) => m.version), version: PG_MIGRATIONS.at(-1)!.version });
    const second = await cli();
    expect(second.stdout).toContain('không có bản cập nhật nào cần áp dụng');
    const password = decodeURIComponent(new URL(database.url).password);
    for (const output of [first.stdout, first.stderr, second.stdout, second.stderr]) {
      if (password) expect(output).not.toContain(password);
    }
  });
});
