import { copyFile, rm, stat } from 'node:fs/promises';
import { Database } from './database.js';

/**
 * A consistent copy of the live database (SQLite `VACUUM INTO`), safe while the server runs: it reads
 * one snapshot, so writes in progress are either wholly in the copy or not at all.
 */
export async function backupDatabase(db: Database, target: string): Promise<{ bytes: number }> {
  await rm(target, { force: true });
  await db.run('VACUUM INTO ?', [target]);
  const check = await Database.openReadOnlyCheck(target);
  if (check !== 'ok') throw new Error(`backup ${target} failed its integrity check: ${check}`);
  return { bytes: (await stat(target)).size };
}

/**
 * Puts a backup back in place of the database file. The server must be stopped: the backup is checked
 * first, then copied over the database, and the old write-ahead log is removed so it cannot be replayed
 * over the restored copy.
 */
export async function restoreDatabase(backup: string, databaseFile: string): Promise<void> {
  const check = await Database.openReadOnlyCheck(backup);
  if (check !== 'ok') throw new Error(`${backup} is not a sound database: ${check}`);
  const staging = `${databaseFile}.restoring`;
  await copyFile(backup, staging);
  await rm(`${databaseFile}-wal`, { force: true });
  await rm(`${databaseFile}-shm`, { force: true });
  const { rename } = await import('node:fs/promises');
  await rename(staging, databaseFile);
}
