import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/storage/database.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let dir: string;
let db: Database;

beforeEach(async () => {
  dir = await makeTempDir();
  db = await Database.open(path.join(dir, 'db.sqlite'));
  await db.exec('CREATE TABLE t (v TEXT)');
});
afterEach(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('Database', () => {
  it('runs in WAL mode with foreign keys on', async () => {
    expect(await db.get<{ journal_mode: string }>('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
    expect(await db.get<{ foreign_keys: number }>('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
  });

  it('keeps a standalone write out of another caller\'s transaction that rolls back', async () => {
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    const failing = db.transaction(async () => {
      await db.run("INSERT INTO t VALUES ('inside')");
      await paused;
      throw new Error('boom');
    });
    const outside = db.run("INSERT INTO t VALUES ('outside')");
    release();
    await expect(failing).rejects.toThrow('boom');
    await outside;
    expect(await db.all<{ v: string }>('SELECT v FROM t')).toEqual([{ v: 'outside' }]);
  });

  it('lets a transaction started inside another join it', async () => {
    await db.transaction(async () => {
      await db.run("INSERT INTO t VALUES ('a')");
      await db.transaction(async () => db.run("INSERT INTO t VALUES ('b')"));
    });
    expect((await db.all<{ v: string }>('SELECT v FROM t ORDER BY v')).map((r) => r.v)).toEqual(['a', 'b']);
  });

  it('parameterises values (no SQL injection through text)', async () => {
    const evil = "x'); DROP TABLE t; --";
    await db.run('INSERT INTO t VALUES (?)', [evil]);
    expect(await db.all('SELECT v FROM t')).toEqual([{ v: evil }]);
  });
});
