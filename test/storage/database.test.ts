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

  it('keeps outside writes apart in every round, also with transactions queued behind each other', async () => {
    // Transaction tracking is switched off between rounds and on again with the next transaction.
    for (let round = 0; round < 3; round++) {
      await db.transaction(async () => db.run('INSERT INTO t VALUES (?)', [`kept ${round}`]));
      let release!: () => void;
      const paused = new Promise<void>((resolve) => (release = resolve));
      const failing = db.transaction(async () => {
        await db.run('INSERT INTO t VALUES (?)', [`rolled back ${round}`]);
        await paused;
        throw new Error('boom');
      });
      const queued = db.transaction(async () => {
        await db.run('INSERT INTO t VALUES (?)', [`queued ${round}`]);
        await db.transaction(async () => db.run('INSERT INTO t VALUES (?)', [`nested ${round}`]));
      });
      const outside = db.run('INSERT INTO t VALUES (?)', [`outside ${round}`]);
      release();
      await expect(failing).rejects.toThrow('boom');
      await Promise.all([queued, outside]);
    }
    const values = (await db.all<{ v: string }>('SELECT v FROM t')).map((r) => r.v);
    expect(values.filter((v) => v.startsWith('rolled back'))).toEqual([]);
    for (let round = 0; round < 3; round++) {
      expect(values).toEqual(expect.arrayContaining([`kept ${round}`, `queued ${round}`, `nested ${round}`, `outside ${round}`]));
    }
    expect(values).toHaveLength(12);
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
