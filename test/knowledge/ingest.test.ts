import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocumentParser } from '../../src/knowledge/document-parser.js';
import { ingestKnowledge } from '../../src/knowledge/ingest.js';
import { Database } from '../../src/storage/database.js';
import { SqliteKnowledgeStore } from '../../src/storage/sqlite/knowledge-repository.js';
import { MAI_TANG, THO_CUNG, writeDoc } from '../helpers/knowledge-fixture.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let root: string;
let knowledge: string;
let db: Database;
let store: SqliteKnowledgeStore;

beforeEach(async () => {
  root = await makeTempDir();
  knowledge = path.join(root, 'knowledge');
  db = await Database.open(path.join(root, 'data', 'test.sqlite'));
  store = new SqliteKnowledgeStore(db);
});

afterEach(async () => {
  await db.close();
  await rm(root, { recursive: true, force: true });
});

// One parse thread for the whole file (each ingest would otherwise start its own).
const parser = new DocumentParser();
afterAll(() => parser.close());

const ingest = () => ingestKnowledge({ store, dir: knowledge, chunkMaxChars: 800, parser });

describe('incremental ingest', () => {
  it('adds new files, then touches nothing when nothing changed', async () => {
    await writeDoc(knowledge, 'thu-tuc/mai-tang.md', MAI_TANG);
    await writeDoc(knowledge, 'thu-tuc/tho-cung.md', THO_CUNG);

    const first = await ingest();
    expect(first.added).toEqual(['thu-tuc/mai-tang.md', 'thu-tuc/tho-cung.md']);
    expect(first.failed).toEqual([]);
    expect(first.chunksWritten).toBeGreaterThanOrEqual(3);

    const before = await db.all<{ id: string; ingested_at: string }>('SELECT id, ingested_at FROM documents ORDER BY id');
    const second = await ingest();
    expect(second).toMatchObject({ added: [], changed: [], removed: [], failed: [], chunksWritten: 0 });
    expect(second.unchanged).toHaveLength(2);
    const after = await db.all<{ id: string; ingested_at: string }>('SELECT id, ingested_at FROM documents ORDER BY id');
    expect(after).toEqual(before);
  });

  it('re-chunks a changed file and removes a deleted one with its chunks', async () => {
    await writeDoc(knowledge, 'a.md', MAI_TANG);
    await writeDoc(knowledge, 'b.md', THO_CUNG);
    await ingest();

    await writeDoc(knowledge, 'a.md', { ...MAI_TANG, body: MAI_TANG.body.replace('05 ngày làm việc', '07 ngày làm việc') });
    await rm(path.join(knowledge, 'b.md'));
    const report = await ingest();
    expect(report.changed).toEqual(['a.md']);
    expect(report.removed).toEqual(['b.md']);
    expect(report.unchanged).toEqual([]);

    const passages = await store.listPassages();
    expect(new Set(passages.map((p) => p.docId))).toEqual(new Set(['tt-mai-tang']));
    expect(passages.map((p) => p.text).join('\n')).toContain('07 ngày làm việc');
    expect(passages.map((p) => p.text).join('\n')).not.toContain('05 ngày làm việc');
    const orphans = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM chunks WHERE doc_id = ?', ['tt-tho-cung']);
    expect(orphans?.n).toBe(0);
  });

  it('reports a malformed file by name, keeps its previous version, and still ingests the others', async () => {
    await writeDoc(knowledge, 'a.md', MAI_TANG);
    await ingest();

    await writeFile(path.join(knowledge, 'a.md'), '---\nid: tt-mai-tang\ntitle: [unclosed\n---\nbody\n');
    await writeDoc(knowledge, 'b.md', THO_CUNG);
    await writeFile(path.join(knowledge, 'c.md'), '---\ntitle: "Không có id"\n---\nNội dung.\n');
    const report = await ingest();

    expect(report.added).toEqual(['b.md']);
    expect(report.failed.map((f) => f.file).sort()).toEqual(['a.md', 'c.md']);
    expect(report.failed.find((f) => f.file === 'c.md')?.reason).toMatch(/id/);
    const ids = (await store.listDocuments()).map((d) => d.id);
    expect(ids).toEqual(['tt-mai-tang', 'tt-tho-cung']);
  });

  it('refuses a second file that reuses an id', async () => {
    await writeDoc(knowledge, 'a.md', MAI_TANG);
    await writeDoc(knowledge, 'b.md', { ...THO_CUNG, id: MAI_TANG.id });
    const report = await ingest();
    expect(report.added).toEqual(['a.md']);
    expect(report.failed).toEqual([{ file: 'b.md', reason: expect.stringMatching(/duplicate id "tt-mai-tang"/) }]);
  });

  it('re-ingests a file whose metadata sidecar changed', async () => {
    const txt = path.join(knowledge, 'cv.txt');
    await writeDoc(knowledge, 'a.md', MAI_TANG);
    await writeFile(txt, 'Công văn hướng dẫn chi trả trợ cấp mai táng cho người có công tại xã.\n');
    await writeFile(path.join(knowledge, 'cv.meta.yaml'), 'id: cong-van-1\ntitle: "Công văn hướng dẫn"\n');
    expect((await ingest()).added).toEqual(['a.md', 'cv.txt']);
    await writeFile(path.join(knowledge, 'cv.meta.yaml'), 'id: cong-van-1\ntitle: "Công văn hướng dẫn (sửa)"\n');
    const report = await ingest();
    expect(report.changed).toEqual(['cv.txt']);
    expect((await store.listDocuments()).find((d) => d.id === 'cong-van-1')?.meta.title).toBe('Công văn hướng dẫn (sửa)');
  });
});
