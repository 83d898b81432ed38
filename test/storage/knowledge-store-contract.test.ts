import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Chunk, DocumentMeta } from '../../src/knowledge/types.js';
import { Database } from '../../src/storage/database.js';
import type { KnowledgeStore, StoredDocument } from '../../src/storage/knowledge-store.js';
import { passageHash } from '../../src/storage/provenance.js';
import { PgKnowledgeStore } from '../../src/storage/postgres/knowledge-repository.js';
import { SqliteKnowledgeStore } from '../../src/storage/sqlite/knowledge-repository.js';
import { describePostgres, openMigratedPg, usePostgresDatabase } from '../helpers/postgres.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * The knowledge store (documents, their chunks, the knowledge version): one suite, run against SQLite
 * always and against PostgreSQL where a server is available (always on CI).
 */
interface Opened {
  store: KnowledgeStore;
  close(): Promise<void>;
}

function meta(id: string, fields: Partial<DocumentMeta> = {}): DocumentMeta {
  return { id, title: `Văn bản ${id}`, status: 'in_force', verified: true, ...fields } as DocumentMeta;
}

function doc(id: string, sourcePath = `${id}.md`, fields: Partial<DocumentMeta> = {}, contentHash = `hash-${id}`): StoredDocument {
  return { id, sourcePath, contentHash, meta: meta(id, fields) };
}

function chunks(docId: string, count: number, text = (i: number) => `Đoạn ${i} của ${docId}.`): Chunk[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${docId}#${i}`,
    docId,
    ordinal: i,
    citation: `Văn bản ${docId}, Điều ${i + 1}`,
    path: ['Chương I', `Điều ${i + 1}`],
    heading: `Văn bản ${docId} › Điều ${i + 1}`,
    text: text(i),
  }));
}

function contract(open: () => Promise<Opened>): void {
  let opened: Opened | undefined;
  beforeEach(async () => {
    opened = await open();
  });
  afterEach(() => opened?.close());
  /** The store of the test running. */
  const store = (): KnowledgeStore => opened!.store;

  it('starts empty, at version 0', async () => {
    expect(await store().listDocuments()).toEqual([]);
    expect(await store().listPassages()).toEqual([]);
    expect(await store().chunkCounts()).toEqual(new Map());
    expect(await store().version()).toBe(0);
  });

  it('keeps documents and passages as given, metadata and Vietnamese text intact', async () => {
    const superseded = doc('nd-31-2013', 'van-ban/nd-31.md', {
      title: 'Nghị định 31/2013/NĐ-CP hướng dẫn Pháp lệnh ưu đãi người có công',
      status: 'superseded',
      superseded_by: 'nd-131-2021',
      verified: false,
      topic: ['nguoi-co-cong', 'thủ-tục'],
      amounts: [{ value: '1.318.000 đồng', what: 'mức chuẩn', from: '2017-07-01', basis: 'Nghị định 99/2018' }],
    } as Partial<DocumentMeta>);
    const text = 'Thân nhân liệt sĩ được hưởng trợ cấp tuất hằng tháng; hoà = hòa; thuỷ; “trích dẫn”.';
    expect(await store().applyChanges([{ doc: superseded, chunks: chunks('nd-31-2013', 2, () => text) }])).toBe(1);

    expect(await store().listDocuments()).toEqual([superseded]);
    const passages = await store().listPassages();
    expect(passages.map((p) => p.id)).toEqual(['nd-31-2013#0', 'nd-31-2013#1']);
    expect(passages[1]).toEqual({ ...chunks('nd-31-2013', 2, () => text)[1], meta: superseded.meta, docHash: superseded.contentHash });
    expect(passages[0]!.meta).toBe(passages[1]!.meta); // parsed once per document
    expect(await store().chunkCounts()).toEqual(new Map([['nd-31-2013', 2]]));
  });

  it('lists documents by id and passages by id then ordinal, in code-point order on every engine', async () => {
    // A linguistic collation ignores the dash ("a-z" after "ab"); code points put it first.
    await store().applyChanges([
      { doc: doc('ab'), chunks: chunks('ab', 1) },
      { doc: doc('a-z'), chunks: chunks('a-z', 12) },
      { doc: doc('a9'), chunks: chunks('a9', 1) },
    ]);
    expect((await store().listDocuments()).map((d) => d.id)).toEqual(['a-z', 'a9', 'ab']);
    const order = (await store().listPassages()).map((p) => p.id);
    expect(order.slice(0, 12)).toEqual(Array.from({ length: 12 }, (_, i) => `a-z#${i}`)); // 2 before 10
    expect(order.slice(12)).toEqual(['a9#0', 'ab#0']);
  });

  it('replaces a changed document whole, a renamed file by its id, and a re-used path by its new id', async () => {
    await store().applyChanges([
      { doc: doc('mai-tang'), chunks: chunks('mai-tang', 5) },
      { doc: doc('tho-cung'), chunks: chunks('tho-cung', 2) },
    ]);
    // Fewer chunks than before: the old ones beyond are gone.
    await store().applyChanges([{ doc: doc('mai-tang', 'mai-tang.md', { title: 'Mai táng (sửa)' }, 'hash-2'), chunks: chunks('mai-tang', 2) }]);
    // The same id under a new path (a renamed file).
    await store().applyChanges([{ doc: doc('tho-cung', 'thu-tuc/tho-cung.md'), chunks: chunks('tho-cung', 1) }]);
    // A new id at a path already taken (the file's front matter changed its id).
    await store().applyChanges([{ doc: doc('mai-tang-moi', 'mai-tang.md'), chunks: chunks('mai-tang-moi', 3) }]);

    const docs = await store().listDocuments();
    expect(docs.map((d) => [d.id, d.sourcePath])).toEqual([
      ['mai-tang-moi', 'mai-tang.md'],
      ['tho-cung', 'thu-tuc/tho-cung.md'],
    ]);
    expect(await store().chunkCounts()).toEqual(new Map([['mai-tang-moi', 3], ['tho-cung', 1]]));
    expect((await store().listPassages()).map((p) => p.id)).toEqual(['mai-tang-moi#0', 'mai-tang-moi#1', 'mai-tang-moi#2', 'tho-cung#0']);
  });

  it('deletes documents with their passages, alongside saves in the same change', async () => {
    await store().applyChanges([
      { doc: doc('mot'), chunks: chunks('mot', 2) },
      { doc: doc('hai'), chunks: chunks('hai', 2) },
      { doc: doc('ba'), chunks: chunks('ba', 2) },
    ]);
    await store().applyChanges([{ doc: doc('bon'), chunks: chunks('bon', 1) }], ['mot', 'ba', 'khong-co']);
    expect((await store().listDocuments()).map((d) => d.id)).toEqual(['bon', 'hai']);
    expect((await store().listPassages()).map((p) => p.docId)).toEqual(['bon', 'hai', 'hai']);
  });

  it('bumps the version once for each change that writes, and not for an empty one', async () => {
    expect(await store().applyChanges([])).toBe(0);
    expect(await store().applyChanges([{ doc: doc('mot'), chunks: chunks('mot', 1) }])).toBe(1);
    expect(await store().applyChanges([], ['mot'])).toBe(2);
    expect(await store().applyChanges([], [])).toBe(2);
    expect(await store().version()).toBe(2);
  });

  it('writes all of a change or none of it, version included', async () => {
    await store().applyChanges([{ doc: doc('mot'), chunks: chunks('mot', 2) }]);
    const broken = chunks('hai', 2).map((c) => ({ ...c, ordinal: 0 })); // UNIQUE (doc_id, ordinal)
    await expect(store().applyChanges([{ doc: doc('ba'), chunks: chunks('ba', 1) }, { doc: doc('hai'), chunks: broken }], ['mot'])).rejects.toThrow();
    expect((await store().listDocuments()).map((d) => d.id)).toEqual(['mot']);
    expect(await store().chunkCounts()).toEqual(new Map([['mot', 2]]));
    expect(await store().version()).toBe(1);
  });

  it('gives concurrent changes distinct versions and loses none', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `van-ban-${i}`);
    const versions = await Promise.all(ids.map((id) => store().applyChanges([{ doc: doc(id), chunks: chunks(id, 3) }])));
    expect([...versions].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await store().version()).toBe(8);
    expect((await store().listDocuments()).map((d) => d.id)).toEqual(ids);
  });

  it('stores a document of many passages (more than one statement holds)', async () => {
    await store().applyChanges([{ doc: doc('lon'), chunks: chunks('lon', 1234) }]);
    expect(await store().chunkCounts()).toEqual(new Map([['lon', 1234]]));
    const passages = await store().listPassages();
    expect(passages).toHaveLength(1234);
    expect(passages[1233]!.text).toBe('Đoạn 1233 của lon.');
  });

  it('records the changes and removals of stored documents, not additions nor a save of the same content', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    await store().applyChanges([{ doc: doc('a'), chunks: chunks('a', 2) }, { doc: doc('b'), chunks: chunks('b', 1) }, { doc: doc('c'), chunks: chunks('c', 1) }]);
    expect(await store().documentChanges(since)).toEqual([]);
    await store().applyChanges([{ doc: doc('b'), chunks: chunks('b', 1) }]);
    expect(await store().documentChanges(since)).toEqual([]);

    const superseded = doc('a', 'a.md', { status: 'superseded', superseded_by: 'b', title: 'Văn bản a (đã thay)' }, 'hash-a2');
    // c's file is taken over by a document of another id: c is gone.
    await store().applyChanges([{ doc: superseded, chunks: chunks('a', 2) }, { doc: doc('d', 'c.md'), chunks: chunks('d', 1) }], ['b']);
    const changes = await store().documentChanges(since);
    expect(changes.map(({ id, at, ...rest }) => rest).sort((x, y) => x.docId.localeCompare(y.docId))).toEqual([
      { docId: 'a', title: 'Văn bản a (đã thay)', kind: 'changed', oldHash: 'hash-a', newHash: 'hash-a2', oldStatus: 'in_force', newStatus: 'superseded' },
      { docId: 'b', title: 'Văn bản b', kind: 'removed', oldHash: 'hash-b', oldStatus: 'in_force' },
      { docId: 'c', title: 'Văn bản c', kind: 'removed', oldHash: 'hash-c', oldStatus: 'in_force' },
    ]);
    expect(changes.every((c) => typeof c.id === 'number' && c.at >= since)).toBe(true);
    expect(await store().documentChanges(new Date(Date.now() + 60_000).toISOString())).toEqual([]);
  });

  it('gives documents as they are now with the hashes of their passages, all or by id', async () => {
    await store().applyChanges([{ doc: doc('a'), chunks: chunks('a', 2) }, { doc: doc('b'), chunks: chunks('b', 1, () => 'Cùng nội dung.') }]);
    const states = await store().documentStates(['b', 'missing']);
    expect(states).toEqual([
      { id: 'b', contentHash: 'hash-b', meta: meta('b'), passages: [{ id: 'b#0', hash: passageHash('Cùng nội dung.'), citation: 'Văn bản b, Điều 1' }] },
    ]);
    expect(passageHash(' Cùng nội dung.\n')).toBe(passageHash('Cùng nội dung.'));
    expect(passageHash('Cùng nội dung!')).not.toBe(passageHash('Cùng nội dung.'));
    expect((await store().documentStates()).map((d) => [d.id, d.passages.length])).toEqual([['a', 2], ['b', 1]]);
    expect(await store().documentStates([])).toEqual([]);
  });

  it('keeps a document read by OCR out of search until it is accepted, then searches it', async () => {
    const scan: StoredDocument = { ...doc('nd-131-quet', 'quet/nd-131.pdf', { ocr: true } as Partial<DocumentMeta>), ocr: { pages: 3, confidence: 91.5 } };
    await store().applyChanges([
      { doc: doc('mai-tang'), chunks: chunks('mai-tang', 1) },
      { doc: scan, chunks: chunks('nd-131-quet', 2) },
    ]);
    expect((await store().listPassages()).map((p) => p.docId)).toEqual(['mai-tang']);
    expect((await store().documentPassages('nd-131-quet')).map((p) => p.id)).toEqual(['nd-131-quet#0', 'nd-131-quet#1']);
    expect((await store().listDocuments()).find((d) => d.id === 'nd-131-quet')).toEqual(scan);
    const waiting = await store().awaitingReview();
    expect(waiting).toEqual([{ id: 'nd-131-quet', title: 'Văn bản nd-131-quet', sourcePath: 'quet/nd-131.pdf', pages: 3, confidence: 91.5, createdAt: expect.any(String) }]);

    const before = await store().version();
    expect(await store().acceptOcr('khong-co', 'quantri@xa.vn')).toBeUndefined();
    expect(await store().acceptOcr('mai-tang', 'quantri@xa.vn')).toBeUndefined(); // not an OCR document
    expect(await store().version()).toBe(before);
    expect(await store().acceptOcr('nd-131-quet', 'quantri@xa.vn')).toBe(before + 1);
    expect(await store().acceptOcr('nd-131-quet', 'quantri@xa.vn')).toBeUndefined(); // once
    expect((await store().listPassages()).map((p) => p.docId)).toEqual(['mai-tang', 'nd-131-quet', 'nd-131-quet']);
    expect(await store().awaitingReview()).toEqual([]);
    const accepted = (await store().listDocuments()).find((d) => d.id === 'nd-131-quet');
    expect(accepted?.ocr).toEqual({ pages: 3, confidence: 91.5, acceptedAt: expect.any(String), acceptedBy: 'quantri@xa.vn' });

    // A new scan of the document waits for review again.
    await store().applyChanges([{ doc: { ...scan, contentHash: 'hash-2' }, chunks: chunks('nd-131-quet', 1) }]);
    expect((await store().listPassages()).map((p) => p.docId)).toEqual(['mai-tang']);
    expect((await store().awaitingReview()).map((w) => w.id)).toEqual(['nd-131-quet']);
  });

  it('keeps index state by key', async () => {
    expect(await store().getState('vector-fingerprint')).toBeUndefined();
    await store().setState('vector-fingerprint', 'một');
    await store().setState('vector-fingerprint', 'hai');
    expect(await store().getState('vector-fingerprint')).toBe('hai');
  });
}

describe('knowledge store on SQLite', () => {
  const temp = useTempDir();
  let n = 0;
  contract(async () => {
    const db = await Database.open(temp.file(`knowledge-${(n += 1)}.sqlite`));
    return { store: new SqliteKnowledgeStore(db), close: () => db.close() };
  });
});

describePostgres('knowledge store on PostgreSQL', () => {
  const database = usePostgresDatabase();
  contract(async () => {
    const db = await openMigratedPg(database.url);
    // As on a server whose default collation is linguistic (Debian's initdb takes en_US.UTF-8), where "a-z"
    // sorts after "ab": the store must still list in code-point order. The test server's default is C.
    await db.exec(`
      CREATE COLLATION ignore_punctuation (provider = icu, locale = 'und-u-ka-shifted');
      ALTER TABLE chunks ALTER COLUMN doc_id TYPE TEXT COLLATE ignore_punctuation;
      ALTER TABLE documents ALTER COLUMN id TYPE TEXT COLLATE ignore_punctuation;
    `);
    return { store: new PgKnowledgeStore(db), close: () => db.close() };
  });
});
