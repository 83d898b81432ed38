import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { HashingEmbeddings } from '../../src/retrieval/hashing-embeddings.js';
import { KnowledgeRetriever } from '../../src/retrieval/knowledge-retriever.js';
import { MAI_TANG, THO_CUNG, writeDoc } from '../helpers/knowledge-fixture.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let root: string;
let kb: KnowledgeBase;

function configFor(dir: string) {
  return {
    databaseFile: path.join(dir, 'data', 'kb.sqlite'),
    vectorDir: path.join(dir, 'data', 'vectors'),
    knowledgeDir: path.join(dir, 'knowledge'),
    abbreviationsFile: path.join(dir, 'knowledge', 'abbreviations.tsv'),
    embeddings: { provider: 'hashing' as const },
  };
}

beforeEach(async () => {
  root = await makeTempDir();
  await writeDoc(path.join(root, 'knowledge'), 'mai-tang.md', {
    ...MAI_TANG,
    extra: 'doc_number: "131/2021/NĐ-CP"\neffective: 2022-02-15',
  });
  await writeDoc(path.join(root, 'knowledge'), 'tho-cung.md', { ...THO_CUNG, verified: false });
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path.join(root, 'knowledge', 'abbreviations.tsv'), '# test\nhs\thồ sơ\nncc\tngười có công\nls\tliệt sĩ\n');
  kb = await KnowledgeBase.open(configFor(root));
  const report = await kb.ingest();
  expect(report.failed).toEqual([]);
});

afterEach(async () => {
  await kb.close();
  await rm(root, { recursive: true, force: true });
});

describe('KnowledgeRetriever', () => {
  it('returns langchain Documents whose metadata carries the citation, the document metadata and each leg score', async () => {
    const retriever = new KnowledgeRetriever({ searcher: () => kb.searcher(), k: 3 });
    const docs = await retriever.invoke('hs mai tang ncc gom nhung gi');
    expect(docs.length).toBeGreaterThan(0);
    const top = docs[0]!;
    expect(top.metadata).toMatchObject({
      docId: 'tt-mai-tang',
      citation: 'Thủ tục hưởng trợ cấp mai táng › Thành phần hồ sơ',
      title: 'Thủ tục hưởng trợ cấp mai táng',
      sourceUrls: ['https://example.invalid/tt-mai-tang'],
      status: 'in_force',
      verified: true,
      effective: '2022-02-15',
    });
    expect(top.pageContent).toContain('Mẫu số 12');
    for (const doc of docs) {
      const m = doc.metadata;
      expect(m.score).toBeGreaterThan(0);
      expect(m.score).toBeLessThanOrEqual(1);
      expect(m.vectorSimilarity).toBeGreaterThanOrEqual(0);
      expect(m.vectorSimilarity).toBeLessThanOrEqual(1);
    }
    expect(docs.map((d) => d.metadata.score)).toEqual([...docs.map((d) => d.metadata.score)].sort((a, b) => b - a));
  });

  it('reports the vector leg as cosine similarity, not hnswlib distance', async () => {
    const searcher = await kb.searcher();
    const { hits } = await searcher.search('trợ cấp thờ cúng liệt sĩ bao nhiêu', 1);
    const hit = hits[0]!;
    expect(hit.passage.docId).toBe('tt-tho-cung');
    expect(hit.passage.meta.verified).toBe(false);
    // Recompute the cosine from the same embedding the index was built with.
    const manifest = JSON.parse(
      await readFile(
        path.join(root, 'data', 'vectors', (await readFile(path.join(root, 'data', 'vectors', 'CURRENT'), 'utf8')).trim(), 'manifest.json'),
        'utf8',
      ),
    ) as { embedding: { state: { idf: string }; dimensions: number; trigramWeight: number; bigramWeight: number } };
    const bytes = Buffer.from(manifest.embedding.state.idf, 'base64');
    const embeddings = new HashingEmbeddings({
      dimensions: manifest.embedding.dimensions,
      trigramWeight: manifest.embedding.trigramWeight,
      bigramWeight: manifest.embedding.bigramWeight,
      idf: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)),
    });
    const q = await embeddings.embedQuery('trợ cấp thờ cúng liệt sĩ bao nhiêu');
    const p = await embeddings.embedQuery(`${hit.passage.heading}\n${hit.passage.text}`);
    const cosine = q.reduce((sum, v, i) => sum + v * p[i]!, 0);
    expect(hit.vectorSimilarity).toBeCloseTo(cosine, 4);
    expect(hit.vectorSimilarity).toBeGreaterThan(0.2);
  });

  it('keeps the vector index when nothing changed and swaps in a new version when passages change', async () => {
    const vectors = path.join(root, 'data', 'vectors');
    await kb.searcher();
    const first = (await readFile(path.join(vectors, 'CURRENT'), 'utf8')).trim();

    await kb.close();
    kb = await KnowledgeBase.open(configFor(root));
    await kb.ingest();
    await kb.searcher();
    expect((await readFile(path.join(vectors, 'CURRENT'), 'utf8')).trim()).toBe(first);

    await writeDoc(path.join(root, 'knowledge'), 'tho-cung.md', {
      ...THO_CUNG,
      body: THO_CUNG.body + '\n## Lưu ý\n\nNgười thờ cúng liệt sĩ phải có đơn đề nghị.\n',
    });
    await kb.ingest();
    const searcher = await kb.searcher();
    const second = (await readFile(path.join(vectors, 'CURRENT'), 'utf8')).trim();
    expect(second).not.toBe(first);
    expect(await readdir(vectors)).toEqual(expect.arrayContaining(['CURRENT', second]));
    expect((await readdir(vectors)).filter((e) => e.startsWith('v-'))).toEqual([second]);
    const { hits } = await searcher.search('đơn đề nghị thờ cúng', 1);
    expect(hits[0]?.passage.text).toContain('đơn đề nghị');
  });

  it('ranks by accents when the question has them and by folded text when it has none', async () => {
    const searcher = await kb.searcher();
    const accented = await searcher.search('mai táng', 1);
    const folded = await searcher.search('mai tang', 1);
    expect(accented.typedWithDiacritics).toBe(true);
    expect(folded.typedWithDiacritics).toBe(false);
    expect(accented.hits[0]?.passage.docId).toBe('tt-mai-tang');
    expect(folded.hits[0]?.passage.docId).toBe('tt-mai-tang');
    // "mạ tang" typed with a mark that no document has must not match "mai táng" through folding alone.
    const wrong = await searcher.search('mã', 5);
    expect(wrong.hits.filter((h) => h.lexicalScore > 0)).toEqual([]);
  });
});
