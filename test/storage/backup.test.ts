import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase, restoreDatabase } from '../../src/storage/backup.js';
import { Database } from '../../src/storage/database.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('copies a consistent snapshot while writes go on, and restores it', async () => {
    const file = path.join(dir, 'live.sqlite');
    const db = await Database.open(file);
    await db.exec('CREATE TABLE t (n INTEGER)');
    // Transactions of two rows each: a consistent copy never holds an odd number of rows.
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing && i < 2000; i++) {
        await db.transaction(async () => {
          await db.run('INSERT INTO t VALUES (?)', [i]);
          await db.run('INSERT INTO t VALUES (?)', [i]);
        });
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const backup = path.join(dir, 'backup.sqlite');
    const { bytes } = await backupDatabase(db, backup);
    writing = false;
    await writer;
    expect(bytes).toBeGreaterThan(0);
    expect(await Database.openReadOnlyCheck(backup)).toBe('ok');

    const copy = await Database.open(backup);
    const { n } = (await copy.get<{ n: number }>('SELECT COUNT(*) AS n FROM t'))!;
    await copy.close();
    expect(n % 2).toBe(0);
    const live = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM t'))!.n;
    expect(live).toBeGreaterThanOrEqual(n);
    await db.run('DELETE FROM t');
    await db.close();

    await restoreDatabase(backup, file);
    const restored = await Database.open(file);
    expect((await restored.get<{ n: number }>('SELECT COUNT(*) AS n FROM t'))!.n).toBe(n);
    expect(await restored.get('PRAGMA integrity_check')).toEqual({ integrity_check: 'ok' });
    await restored.close();
  });

  it('refuses to restore a file that is not a sound database', async () => {
    const { writeFile } = await import('node:fs/promises');
    const bogus = path.join(dir, 'bogus.sqlite');
    await writeFile(bogus, 'not a database at all');
    await expect(restoreDatabase(bogus, path.join(dir, 'live.sqlite'))).rejects.toThrow(/not a sound database/);
  });
});
