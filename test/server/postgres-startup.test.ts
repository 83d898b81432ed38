import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS } from '../../src/storage/postgres/migrations.js';
import { PgDatabase } from '../../src/storage/postgres/pg-database.js';
import { ROOT } from '../helpers/app-fixture.js';
import { describePostgres, usePostgresDatabase } from '../helpers/postgres.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { freePort, startServe } from './serve-process.js';

/** The app picks its engine from DATABASE_URL: what an operator sees when it is wrong, and the CLI on PostgreSQL. */

const run = promisify(execFile);
const SECRET = 'mat-khau-bi-mat-42';

async function trolyxa(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, 'bin', 'trolyxa.js'), ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: cwd, LOG_LEVEL: 'warn', KNOWLEDGE_DIR: path.join(ROOT, 'knowledge'), ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const dirs: string[] = [];
afterAll(async () => {
  const { rm } = await import('node:fs/promises');
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('DATABASE_URL that leads nowhere', () => {
  it('serve stops in Vietnamese naming DATABASE_URL, never printing the password', async () => {
    const dir = await makeTempDir();
    dirs.push(dir);
    const closed = await freePort();
    const serve = startServe({ PORT: String(await freePort()), DATA_DIR: dir, DATABASE_URL: `postgres://trolyxa:${SECRET}@127.0.0.1:${closed}/trolyxa` }, dir);
    const { code } = await serve.exited;
    expect(code).not.toBe(0);
    expect(serve.stderr()).toContain(`Không kết nối được PostgreSQL theo DATABASE_URL (postgres://trolyxa:***@127.0.0.1:${closed}/trolyxa)`);
    expect(serve.stderr()).not.toContain(SECRET);
  });

  it('backup and restore send a PostgreSQL deployment to pg_dump and pg_restore', async () => {
    const dir = await makeTempDir();
    dirs.push(dir);
    const env = { DATA_DIR: dir, DATABASE_URL: `postgres://trolyxa:${SECRET}@127.0.0.1:9/trolyxa` };
    const backup = await trolyxa(['backup', 'sao-luu.db'], env, dir);
    expect(backup.code).toBe(1);
    expect(backup.stderr).toMatch(/“trolyxa backup” chỉ dùng cho cơ sở dữ liệu SQLite.*pg_dump/);
    const restore = await trolyxa(['restore', 'sao-luu.db'], env, dir);
    expect(restore.stderr).toMatch(/pg_restore/);
    expect(backup.stderr + restore.stderr).not.toContain(SECRET);
  });
});

describePostgres('the CLI on PostgreSQL', () => {
  const database = usePostgresDatabase();

  it('applies the migrations on first use and works on the shared database (user add, tickets)', async () => {
    const dir = await makeTempDir();
    dirs.push(dir);
    const env = { DATA_DIR: dir, DATABASE_URL: database.url };
    const added = await trolyxa(['user', 'add', '--role', 'expert', '--channel', 'telegram', '--user', '42', '--chat', '42', '--name', 'Chuyên gia Minh', '--topics', '*'], env, dir);
    expect(added.code, added.stderr).toBe(0);
    expect((await trolyxa(['tickets'], env, dir)).stdout).toContain('Không có câu hỏi nào.');
    const db = await PgDatabase.open(database.url, { maxConnections: 1 });
    try {
      expect(await db.get('SELECT MAX(version) AS version FROM schema_migrations')).toEqual({ version: PG_MIGRATIONS.at(-1)!.version });
      expect(await db.all('SELECT display_name, role FROM users')).toEqual([{ display_name: 'Chuyên gia Minh', role: 'expert' }]);
    } finally {
      await db.close();
    }
  });
});
