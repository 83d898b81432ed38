import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { MAI_TANG, THO_CUNG, writeDoc } from '../helpers/knowledge-fixture.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let root: string;
let kb: KnowledgeBase;

const config = (dir: string) => ({
  databaseFile: path.join(dir, 'data', 'kb.sqlite'),
  vectorDir: path.join(dir, 'data', 'vectors'),
  knowledgeDir: path.join(dir, 'knowledge'),
  abbreviationsFile: path.join(dir, 'knowledge', 'abbreviations.tsv'),
  embeddings: { provider: 'hashing' as const },
});

const QUESTIONS = ['hs mai tang ncc gom nhung gi', 'Thủ tục trợ cấp thờ cúng liệt sĩ', 'thoi han kiem tra ho so mai tang', 'ls tho cung', 'thời tiết ngày mai'];

beforeEach(async () => {
  root = await makeTempDir();
  await writeDoc(path.join(root, 'knowledge'), 'mai-tang.md', MAI_TANG);
  await writeDoc(path.join(root, 'knowledge'), 'tho-cung.md', THO_CUNG);
  await writeFile(path.join(root, 'knowledge', 'abbreviations.tsv'), '# test\nhs\thồ sơ\nncc\tngười có công\nls\tliệt sĩ\n');
  kb = await KnowledgeBase.open(config(root), { searchThread: true });
  expect((await kb.ingest()).failed).toEqual([]);
});

afterEach(async () => {
  await kb.close();
  await rm(root, { recursive: true, force: true });
});

const summary = (result: { hits: { passage: { id: string }; score: number; lexicalCoverage: number; vectorSimilarity: number }[]; expandedQuery: string }) => ({
  expanded: result.expandedQuery,
  hits: result.hits.map((h) => [h.passage.id, h.score, h.lexicalCoverage, h.vectorSimilarity]),
});

describe('searching in a worker thread', () => {
  it('answers exactly what the main thread would, with the main thread’s passages', async () => {
    expect(await kb.searchThreadReady()).toBe(true);
    const searcher = await kb.searcher();
    for (const question of QUESTIONS) {
      const before = kb.threadSearches;
      const threaded = await searcher.search(question, 5);
      expect(kb.threadSearches).toBe(before + 1);
      // Evaluation options always search on the calling thread.
      const local = await searcher.search(question, 5, { candidates: searcher.settings.candidates });
      expect(kb.threadSearches).toBe(before + 1);
      expect(summary(threaded)).toEqual(summary(local));
      for (const hit of threaded.hits) expect(searcher.passages).toContain(hit.passage);
    }
    expect((await searcher.search('hs mai tang', 3)).hits[0]!.passage.docId).toBe(MAI_TANG.id);
  });

  it('takes the new snapshot after an ingest; the old searcher falls back to its own thread', async () => {
    expect(await kb.searchThreadReady()).toBe(true);
    const old = await kb.searcher();
    await writeDoc(path.join(root, 'knowledge'), 'dieu-duong.md', {
      id: 'tt-dieu-duong',
      title: 'Thủ tục điều dưỡng phục hồi sức khỏe',
      body: '# Thủ tục điều dưỡng phục hồi sức khỏe\n\nNgười có công được điều dưỡng phục hồi sức khỏe tại nhà hai năm một lần.\n',
    });
    expect((await kb.ingest()).added).toHaveLength(1);
    const fresh = await kb.searcher();
    expect(fresh).not.toBe(old);
    expect(await kb.searchThreadReady()).toBe(true);
    const before = kb.threadSearches;
    expect((await fresh.search('dieu duong phuc hoi suc khoe tai nha', 3)).hits[0]!.passage.docId).toBe('tt-dieu-duong');
    expect(kb.threadSearches).toBe(before + 1);
    // The old snapshot is not the thread's any more: answered here, from the old passages.
    const stale = await old.search('dieu duong phuc hoi suc khoe tai nha', 3);
    expect(kb.threadSearches).toBe(before + 1);
    expect(stale.hits.map((h) => h.passage.docId)).not.toContain('tt-dieu-duong');
  });

  it('keeps answering on the main thread once the search thread is gone', async () => {
    expect(await kb.searchThreadReady()).toBe(true);
    const searcher = await kb.searcher();
    const expected = summary(await searcher.search(QUESTIONS[0]!, 5));
    await kb.stopSearchThread();
    const before = kb.threadSearches;
    expect(summary(await searcher.search(QUESTIONS[0]!, 5))).toEqual(expected);
    expect(kb.threadSearches).toBe(before);
  });
});
