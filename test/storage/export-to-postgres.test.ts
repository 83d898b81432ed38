import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Database } from '../../src/storage/database.js';
import { copyDatabase, dependencyOrder, exportSqliteToPostgres, ExportRefusedError } from '../../src/storage/export-to-postgres.js';
import { PgKnowledgeStore } from '../../src/storage/postgres/knowledge-repository.js';
import { PgDatabase } from '../../src/storage/postgres/pg-database.js';
import { SqliteKnowledgeStore } from '../../src/storage/sqlite/knowledge-repository.js';
import { createTestApp, RecordingPort, ROOT } from '../helpers/app-fixture.js';
import { MAI_TANG, THO_CUNG, writeDoc } from '../helpers/knowledge-fixture.js';
import { describePostgres, openMigratedPg, uniqueSchema, usePostgresDatabase } from '../helpers/postgres.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const run = promisify(execFile);

/**
 * `trolyxa export --to postgres`: a SQLite deployment built through the real code paths (the app, its
 * services and repositories) is copied into PostgreSQL with every row and id.
 */
let dir: string;
let sqliteFile: string;

/** Every table's rows, by table, ordered by their JSON (so the two engines compare whatever their row order). */
async function contents(db: Database | PgDatabase, tables: readonly string[], columnsOf: (table: string) => string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    const columns = columnsOf(table);
    const rows = await db.all<Record<string, unknown>>(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM "${table}"`);
    out[table] = rows.map((r) => JSON.stringify(columns.map((c) => r[c]))).sort();
  }
  return out;
}

async function sqliteTables(db: Database): Promise<Map<string, string[]>> {
  const names = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name");
  const tables = new Map<string, string[]>();
  for (const { name } of names) tables.set(name, (await db.all<{ name: string }>('SELECT name FROM pragma_table_info(?) ORDER BY cid', [name])).map((c) => c.name));
  return tables;
}

it('orders tables so that every table a foreign key points to comes first', () => {
  const keys = [
    { child: 'tickets', parent: 'users' },
    { child: 'ticket_events', parent: 'tickets' },
    { child: 'curated_answers', parent: 'tickets' },
    { child: 'curated_answers', parent: 'users' },
    { child: 'users', parent: 'users' },
  ];
  expect(dependencyOrder(['ticket_events', 'curated_answers', 'users', 'tickets', 'documents'], keys)).toEqual(['documents', 'users', 'tickets', 'curated_answers', 'ticket_events']);
  expect(() => dependencyOrder(['a', 'b'], [{ child: 'a', parent: 'b' }, { child: 'b', parent: 'a' }])).toThrow(/cycle/);
});

describePostgres('trolyxa export --to postgres', () => {
  const database = usePostgresDatabase();

  beforeAll(async () => {
    dir = await makeTempDir();
    const knowledge = path.join(dir, 'knowledge');
    await writeDoc(knowledge, 'mai-tang.md', MAI_TANG);
    await writeDoc(knowledge, 'tho-cung.md', THO_CUNG);
    const dataDir = path.join(dir, 'data');
    const { app, cleanup } = await createTestApp({ KNOWLEDGE_DIR: knowledge }, dataDir);
    try {
      const at = '2026-03-02T01:00:00.000Z';
      const admin = await app.stores.users.add({ channel: 'telegram', channelUserId: 'tg-1', chatId: 'chat-1', displayName: 'Lê Quản Trị', role: 'admin' }, at);
      const expert = await app.stores.users.add(
        { channel: 'telegram', channelUserId: 'tg-2', chatId: 'chat-2', displayName: 'Trần Thị Bình', role: 'expert', topics: ['mai-tang'] },
        at,
      );
      const asker = { channel: 'telegram', chatId: 'chat-100', userId: 'tg-100', displayName: 'Nguyễn Văn An', commune: 'Xã Tân Phú' };
      await app.stores.users.add({ channel: 'telegram', channelUserId: 'tg-100', chatId: 'chat-100', displayName: 'Nguyễn Văn An', role: 'official', commune: 'Xã Tân Phú' }, at);

      // The question log (and feedback), through the assistant and its log.
      const answered = await app.assistant.handle({ asker, text: 'trợ cấp thờ cúng liệt sĩ bao nhiêu', sourceKey: 'telegram:1' });
      expect(answered.answerId).toBeTypeOf('number');
      await app.log.addFeedback(answered.answerId!, 'helpful', asker, at);
      expect(await app.repos.inbox.accept('telegram', '2', { message: { text: 'cảm ơn' } })).toBe(true);
      await app.repos.inbox.done('telegram', '2');
      await app.repos.channelState.set('zalo-oa', 'access_token', 'mã-truy-cập');

      // A ticket with its events and outbox rows: opened, answered, relayed, approved as a curated answer.
      const ticket = await app.escalation.createTicket({ asker, question: 'Hồ sơ hưởng trợ cấp mai táng gồm những gì?', topic: 'mai-tang', reason: 'low_confidence' });
      await app.escalation.answer(ticket.id, expert.id, 'Tờ khai Mẫu số 12 và giấy chứng tử.');
      await app.escalation.processOutbox(new RecordingPort());
      await app.escalation.approve(ticket.id, admin.id, 'Hồ sơ gồm: tờ khai (Mẫu số 12), giấy chứng tử.');

      // The console's and the web chat's tables.
      const accountId = await app.repos.webAccounts.insert({ email: 'quantri@xa.gov.vn', passwordHash: '$2b$04$băm', role: 'admin', userId: admin.id }, at);
      await app.repos.sessions.insert({ tokenHash: 'băm-phiên', accountId, csrfToken: 'csrf', createdAt: at, lastSeenAt: at, expiresAt: '2026-03-03T01:00:00.000Z' });
      await app.repos.audit.append({ at, accountId, actor: 'quantri@xa.gov.vn', action: 'ticket.approve', target: `ticket:${ticket.id}`, detail: { edited: true } });
      await app.repos.webChat.insertVisitor({ chatId: 'web-1', csrfToken: 'csrf-web' }, at);
      await app.repos.webChat.addMessage('web-1', { role: 'user', text: 'Xin chào', meta: {} }, at);
    } finally {
      await cleanup();
    }
    sqliteFile = path.join(dataDir, 'trolyxa.sqlite');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('copies every table and row with its ids, in one go, and moves the id sequences past them', async () => {
    const schema = uniqueSchema();
    const report = await exportSqliteToPostgres({ sqliteFile, postgresUrl: database.url, schema });
    const sqlite = await Database.open(sqliteFile);
    const pg = await PgDatabase.open(database.url, { schema });
    try {
      const tables = await sqliteTables(sqlite);
      const counts = Object.fromEntries(report.tables.map((t) => [t.table, t.rows]));
      // Every SQLite table is reported, with its row count; each one this test filled has rows.
      for (const table of tables.keys()) {
        expect({ table, rows: counts[table] }).toEqual({ table, rows: (await sqlite.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "${table}"`))!.n });
      }
      for (const table of ['documents', 'chunks', 'index_state', 'users', 'tickets', 'ticket_events', 'outbox', 'curated_answers', 'question_log', 'feedback', 'processed_updates', 'channel_state', 'web_accounts', 'web_sessions', 'web_audit', 'web_chat_visitors', 'web_chat_messages']) {
        expect({ table, filled: (counts[table] ?? 0) > 0 }).toEqual({ table, filled: true });
      }
      expect(report.totalRows).toBe(Object.values(counts).reduce((a, b) => a + b, 0));
      expect(report.skipped).toEqual([]);
      // Parents before children.
      const order = report.tables.map((t) => t.table);
      expect(order.indexOf('users')).toBeLessThan(order.indexOf('tickets'));
      expect(order.indexOf('tickets')).toBeLessThan(order.indexOf('ticket_events'));
      expect(order.indexOf('question_log')).toBeLessThan(order.indexOf('feedback'));

      // The same rows, value for value (ids included).
      const columnsOf = (table: string) => tables.get(table)!;
      expect(await contents(pg, [...tables.keys()], columnsOf)).toEqual(await contents(sqlite, [...tables.keys()], columnsOf));

      // A few rows as the stores read them.
      const ticket = (await pg.get<{ id: number; question: string; status: string }>('SELECT id, question, status FROM tickets'))!;
      expect(ticket.question).toBe('Hồ sơ hưởng trợ cấp mai táng gồm những gì?');
      expect(await pg.get('SELECT source_ticket_id, answer FROM curated_answers')).toEqual({ source_ticket_id: ticket.id, answer: 'Hồ sơ gồm: tờ khai (Mẫu số 12), giấy chứng tử.' });
      const pgKnowledge = new PgKnowledgeStore(pg);
      const sqliteKnowledge = new SqliteKnowledgeStore(sqlite);
      expect(await pgKnowledge.listPassages()).toEqual(await sqliteKnowledge.listPassages());
      expect(await pgKnowledge.version()).toBe(await sqliteKnowledge.version());

      // The next row PostgreSQL numbers itself gets a fresh id.
      const now = new Date().toISOString();
      const maxUser = (await sqlite.get<{ id: number }>('SELECT MAX(id) AS id FROM users'))!.id;
      const user = await pg.get<{ id: number }>(
        "INSERT INTO users (channel, channel_user_id, chat_id, display_name, role, created_at, updated_at) VALUES ('zalo', 'z-9', 'zc-9', 'Mới', 'official', ?, ?) RETURNING id",
        [now, now],
      );
      expect(user!.id).toBe(maxUser + 1);
      const maxEvent = (await sqlite.get<{ id: number }>('SELECT MAX(id) AS id FROM ticket_events'))!.id;
      const event = await pg.get<{ id: number }>("INSERT INTO ticket_events (ticket_id, actor, action, at) VALUES (?, 'system', 'note', ?) RETURNING id", [ticket.id, now]);
      expect(event!.id).toBe(maxEvent + 1);
      const maxOutbox = (await sqlite.get<{ id: number }>('SELECT MAX(id) AS id FROM outbox'))!.id;
      const outbox = await pg.get<{ id: number }>(
        "INSERT INTO outbox (channel, chat_id, kind, text, status, next_attempt_at, created_at) VALUES ('telegram', 'c', 'answer', 't', 'pending', ?, ?) RETURNING id",
        [now, now],
      );
      expect(outbox!.id).toBe(maxOutbox + 1);
      // An empty table's sequence starts at 1.
      const attachments = await pg.get<{ n: number }>('SELECT COUNT(*) AS n FROM ticket_attachments');
      expect(attachments!.n).toBe(0);
    } finally {
      await pg.close();
      await sqlite.close();
    }
  });

  it('refuses a target that is not empty, says so in Vietnamese, and leaves it as it was', async () => {
    const schema = uniqueSchema();
    await exportSqliteToPostgres({ sqliteFile, postgresUrl: database.url, schema });
    const pg = await PgDatabase.open(database.url, { schema });
    try {
      const before = (await pg.get<{ n: number }>('SELECT COUNT(*) AS n FROM chunks'))!.n;
      const again = exportSqliteToPostgres({ sqliteFile, postgresUrl: database.url, schema });
      await expect(again).rejects.toBeInstanceOf(ExportRefusedError);
      await expect(again).rejects.toThrow(/không trống: .*chunks \(\d+ dòng\).*Chưa có gì được chép/s);
      expect((await pg.get<{ n: number }>('SELECT COUNT(*) AS n FROM chunks'))!.n).toBe(before);
    } finally {
      await pg.close();
    }
  });

  it('refuses, naming each, a SQLite table or column with data PostgreSQL has no place for; leaves out empty ones', async () => {
    const file = path.join(dir, 'extra.sqlite');
    const sqlite = await Database.open(file);
    const pg = await openMigratedPg(database.url);
    try {
      await sqlite.exec(`
        CREATE TABLE ghi_chu_rieng (id INTEGER PRIMARY KEY, note TEXT);
        CREATE TABLE bang_trong (id INTEGER PRIMARY KEY);
        ALTER TABLE users ADD COLUMN biet_danh TEXT;
        ALTER TABLE tickets ADD COLUMN cot_trong TEXT;
      `);
      await sqlite.run("INSERT INTO ghi_chu_rieng (note) VALUES ('ghi chú'), ('khác')");
      await sqlite.run(
        "INSERT INTO users (channel, channel_user_id, chat_id, display_name, role, created_at, updated_at, biet_danh) VALUES ('telegram', 'u', 'c', 'An', 'official', 'x', 'x', 'Út')",
      );
      const refused = copyDatabase(sqlite, pg);
      await expect(refused).rejects.toMatchObject({
        reason: 'schema',
        problems: [
          'bảng “ghi_chu_rieng” (2 dòng) có trong SQLite nhưng không có trong PostgreSQL',
          'cột “users.biet_danh” (1 dòng có giá trị) có trong SQLite nhưng không có trong PostgreSQL',
        ],
      });
      expect((await pg.get<{ n: number }>('SELECT COUNT(*) AS n FROM users'))!.n).toBe(0);

      // Without their data, they are left out and listed.
      await sqlite.exec('DELETE FROM ghi_chu_rieng; UPDATE users SET biet_danh = NULL;');
      const report = await copyDatabase(sqlite, pg);
      expect(report.skipped).toEqual([{ table: 'bang_trong' }, { table: 'ghi_chu_rieng' }, { table: 'tickets', column: 'cot_trong' }, { table: 'users', column: 'biet_danh' }]);
      expect(report.tables.find((t) => t.table === 'users')).toEqual({ table: 'users', rows: 1 });
    } finally {
      await pg.close();
      await sqlite.close();
    }
  });

  it('trolyxa export --to postgres prints the table counts (--json too) and refuses a second run; never prints the password', async () => {
    const cwd = await makeTempDir();
    try {
      await writeFile(path.join(cwd, '.env'), '');
      const env = { PATH: process.env['PATH'] ?? '', HOME: cwd, DATA_DIR: path.dirname(sqliteFile), LOG_LEVEL: 'silent', DATABASE_URL: database.url };
      const cli = async (...args: string[]) => {
        try {
          const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, 'bin', 'trolyxa.js'), 'export', '--to', 'postgres', ...args], { cwd, env, timeout: 60_000 });
          return { code: 0, stdout, stderr };
        } catch (error) {
          const e = error as { code: number; stdout: string; stderr: string };
          return { code: e.code, stdout: e.stdout, stderr: e.stderr };
        }
      };
      const first = await cli('--json');
      expect(first.code).toBe(0);
      const report = JSON.parse(first.stdout.trim().split('\n').at(-1)!) as { to: string; tables: { table: string; rows: number }[]; totalRows: number };
      expect(report.tables.find((t) => t.table === 'tickets')).toEqual({ table: 'tickets', rows: 1 });
      expect(report.totalRows).toBeGreaterThan(20);
      const second = await cli(database.url);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('Cơ sở dữ liệu PostgreSQL đích không trống');
      const password = decodeURIComponent(new URL(database.url).password);
      for (const output of [first.stdout, first.stderr, second.stdout, second.stderr]) if (password) expect(output).not.toContain(password);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
