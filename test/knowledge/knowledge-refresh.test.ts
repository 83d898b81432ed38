import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { Database } from '../../src/storage/database.js';
import { postgresKnowledgeStorage, sqliteKnowledgeStorage, type KnowledgeStorage } from '../../src/storage/knowledge-storage.js';
import { PgKnowledgeChanges } from '../../src/storage/postgres/knowledge-changes.js';
import { PgKnowledgeStore } from '../../src/storage/postgres/knowledge-repository.js';
import { PgDatabase } from '../../src/storage/postgres/pg-database.js';
import { MAI_TANG, THO_CUNG, writeDoc } from '../helpers/knowledge-fixture.js';
import { describePostgres, openMigratedPg, usePostgresDatabase } from '../helpers/postgres.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/**
 * Several instances over one database: a document ingested through one knowledge base is found by the
 * others' searchers (each keeps its index in memory) within 10 s, without their answers waiting for the
 * rebuild.
 */
const QUESTION = 'trợ cấp thờ cúng liệt sĩ bao nhiêu';
const DEADLINE = { timeout: 10_000, interval: 50 };

let root: string;
const opened: { close(): Promise<void> }[] = [];

beforeEach(async () => {
  root = await makeTempDir();
  await writeDoc(path.join(root, 'knowledge'), 'mai-tang.md', MAI_TANG);
});

afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
  await rm(root, { recursive: true, force: true });
});

/** One instance's knowledge base: its own data folder (vector index), the shared storage. */
function instance(name: string, storage: KnowledgeStorage, options: { refreshRetryMs?: number } = {}): KnowledgeBase {
  const kb = KnowledgeBase.create(
    {
      vectorDir: path.join(root, name, 'vectors'),
      knowledgeDir: path.join(root, 'knowledge'),
      abbreviationsFile: path.join(root, 'knowledge', 'abbreviations.tsv'),
      embeddings: { provider: 'hashing' },
    },
    storage,
    options,
  );
  opened.push(kb);
  return kb;
}

async function findsThoCung(kb: KnowledgeBase): Promise<boolean> {
  const { hits } = await (await kb.searcher()).search(QUESTION, 3);
  return hits.some((h) => h.passage.docId === THO_CUNG.id);
}

/** A ingests the folder, both search, a document is added through A: B must find it. */
async function uploadOnAFoundOnB(a: KnowledgeBase, b: KnowledgeBase): Promise<void> {
  expect((await a.ingest()).added).toEqual(['mai-tang.md']);
  expect(await findsThoCung(a)).toBe(false);
  expect(await findsThoCung(b)).toBe(false);
  expect((await b.searcher()).size).toBeGreaterThan(0);

  await writeDoc(path.join(root, 'knowledge'), 'tho-cung.md', THO_CUNG);
  expect((await a.ingest()).added).toEqual(['tho-cung.md']);
  expect(await findsThoCung(a)).toBe(true);
  await expect.poll(() => findsThoCung(b), DEADLINE).toBe(true);
}

describe('knowledge changes within one process (SQLite)', () => {
  async function sharedSqlite(): Promise<KnowledgeStorage> {
    const db = await Database.open(path.join(root, 'shared.sqlite'));
    opened.push(db);
    const storage = sqliteKnowledgeStorage(db);
    opened.push(storage);
    return storage;
  }

  it('rebuilds the other knowledge base in the background, and swaps its searcher once built', async () => {
    const storage = await sharedSqlite();
    const a = instance('a', storage);
    const b = instance('b', storage);
    expect((await a.ingest()).added).toEqual(['mai-tang.md']);
    const before = await b.searcher();
    expect(await findsThoCung(b)).toBe(false);

    await writeDoc(path.join(root, 'knowledge'), 'tho-cung.md', THO_CUNG);
    await a.ingest();
    // The rebuild has started; meanwhile B answers from the searcher it had.
    expect(await b.searcher()).toBe(before);
    await expect.poll(() => findsThoCung(b), DEADLINE).toBe(true);
    expect(await b.searcher()).not.toBe(before);
  });

  it('rebuilds only a searcher older than the version announced', async () => {
    const storage = await sharedSqlite();
    const older = instance('older', storage);
    await older.ingest(); // version 1, announced
    const olderFirst = await older.searcher();
    // A change written without being announced yet (another process, say): version 2.
    const [doc] = await storage.store.listDocuments();
    await storage.store.applyChanges([{ doc: { ...doc!, contentHash: 'khác' }, chunks: (await storage.store.listPassages()).map(({ meta: _meta, ...chunk }) => chunk) }]);
    const newer = instance('newer', storage);
    const newerFirst = await newer.searcher(); // built from version 2

    await storage.changes.published(2);
    await Promise.all([older.refreshed(), newer.refreshed()]);
    expect(await newer.searcher()).toBe(newerFirst);
    expect(await older.searcher()).not.toBe(olderFirst);
  });

  it('tries a failed rebuild again, though the change is not announced again', async () => {
    const storage = await sharedSqlite();
    const a = instance('a', storage);
    expect((await a.ingest()).added).toEqual(['mai-tang.md']);
    // B reads the passages through a store that fails once, when asked to.
    let failNext = false;
    const flaky = Object.create(storage.store) as typeof storage.store;
    flaky.listPassages = async () => {
      if (failNext) {
        failNext = false;
        throw new Error('mất kết nối cơ sở dữ liệu');
      }
      return storage.store.listPassages();
    };
    const b = instance('b', { ...storage, store: flaky }, { refreshRetryMs: 50 });
    expect(await findsThoCung(b)).toBe(false);

    failNext = true;
    await writeDoc(path.join(root, 'knowledge'), 'tho-cung.md', THO_CUNG);
    await a.ingest();
    await expect.poll(() => findsThoCung(b), DEADLINE).toBe(true);
    expect(failNext).toBe(false);
  });
});

describePostgres('knowledge changes between instances on PostgreSQL', () => {
  const database = usePostgresDatabase();

  /** Two instances' pools on one (fresh, migrated) schema. */
  async function twoPools(): Promise<[PgDatabase, PgDatabase]> {
    const first = await openMigratedPg(database.url);
    opened.push(first);
    const second = await PgDatabase.open(database.url, { schema: first.schema, maxConnections: 4 });
    opened.push(second);
    return [first, second];
  }

  async function storageOn(db: PgDatabase, options: { checkEveryMs: number }): Promise<KnowledgeStorage> {
    const storage = await postgresKnowledgeStorage(db, database.url, options);
    opened.push(storage);
    return storage;
  }

  it('tells the other instance by notification: it finds the new document within 10 s', async () => {
    const [poolA, poolB] = await twoPools();
    // No version check within the test's time: only the notification can tell B.
    const a = instance('a', await storageOn(poolA, { checkEveryMs: 3_600_000 }));
    const b = instance('b', await storageOn(poolB, { checkEveryMs: 3_600_000 }));
    await uploadOnAFoundOnB(a, b);
  });

  it('finds the change by the version check when no notification arrives', async () => {
    const [poolA, poolB] = await twoPools();
    const a = instance('a', await storageOn(poolA, { checkEveryMs: 3_600_000 }));
    const store = new PgKnowledgeStore(poolB);
    const changes = await PgKnowledgeChanges.start(poolB, { url: database.url, version: () => store.version(), listen: false, checkEveryMs: 200 });
    const storageB: KnowledgeStorage = { store, changes, close: () => changes.close() };
    opened.push(storageB);
    const b = instance('b', storageB);
    await uploadOnAFoundOnB(a, b);
  });

  it('reconnects a listener whose connection was cut, and hears the next change', async () => {
    const [poolA, poolB] = await twoPools();
    const a = instance('a', await storageOn(poolA, { checkEveryMs: 3_600_000 }));
    const storageB = await storageOn(poolB, { checkEveryMs: 3_600_000 });
    const b = instance('b', storageB);
    const listener = storageB.changes as PgKnowledgeChanges;
    const pid = listener.listenerPid;
    expect(pid).toBeTypeOf('number');
    await poolA.run('SELECT pg_terminate_backend(?)', [pid!]);
    await expect.poll(() => listener.listenerPid !== undefined && listener.listenerPid !== pid, DEADLINE).toBe(true);
    await uploadOnAFoundOnB(a, b);
  });
});
