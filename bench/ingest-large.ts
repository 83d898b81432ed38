/**
 * The knowledge base enlarged to 50,000 chunks through the real ingest path: synthetic decrees written as
 * Markdown files with front matter, ingested into SQLite by `KnowledgeBase.ingest()`, indexed by
 * `kb.searcher()`, then queried. Unlike `benchLarge` (bench/retrieval.ts), which builds the indexes from
 * passages in memory, this measures loading, chunking, the store and the on-disk index as production uses them.
 */
import { readdir, readFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { percentile } from '../src/eval/metrics.js';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { createEmbeddingsSetup } from '../src/retrieval/embeddings.js';
import { fingerprintOf, type HybridSearcher } from '../src/retrieval/hybrid-search.js';
import { VectorIndex } from '../src/retrieval/vector-index.js';
import { fold } from '../src/text/normalize.js';
import { rng } from './retrieval.js';

// ---------------------------------------------------------------------------------------------
// Vocabulary: a word-bigram chain over the real knowledge documents

const END = '\u0000';
/** Words that would make a generated line look like a structural heading or a khoản. */
const BAD_START = /^(điều|chương|mục|phần|phụ|nơi|khoản|điểm|\d)/iu;
const TOKEN = /[\p{L}\p{N}](?:[\p{L}\p{N}/.%–-]*[\p{L}\p{N}])?|,/gu;

interface Chain {
  next: Map<string, string[]>;
  starts: string[];
  words: string[];
}

async function markdownFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await markdownFiles(abs)));
    else if (entry.name.endsWith('.md') && entry.name !== 'README.md') out.push(abs);
  }
  return out.sort();
}

async function buildChain(knowledgeDir: string): Promise<Chain> {
  const next = new Map<string, string[]>();
  const starts: string[] = [];
  const words: string[] = [];
  for (const file of await markdownFiles(knowledgeDir)) {
    const text = (await readFile(file, 'utf8')).replace(/^---\n[\s\S]*?\n---\n/u, '');
    const plain = text
      .replace(/\[([^\]]*)\]\([^)]*\)/gu, '$1')
      .replace(/https?:\/\/\S+/gu, ' ')
      .replace(/[*`|>#]/gu, ' ');
    for (const sentence of plain.split(/(?<=[.!?;:])\s+|\n+/u)) {
      const tokens = sentence.match(TOKEN) ?? [];
      if (tokens.length < 4) continue;
      const first = tokens[0]!;
      if (/^\p{Lu}/u.test(first) && !BAD_START.test(first)) starts.push(first);
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i]!;
        if (token !== ',') words.push(token);
        const follower = tokens[i + 1] ?? END;
        let list = next.get(token);
        if (!list) next.set(token, (list = []));
        list.push(follower);
      }
    }
  }
  return { next, starts, words };
}

class TextGenerator {
  constructor(
    private readonly chain: Chain,
    readonly random: () => number,
  ) {}

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  /** Between `min` and `max` words walked along the chain; no final punctuation. */
  words(min: number, max: number, start?: string): string[] {
    const out: string[] = [start ?? this.pick(this.chain.starts)];
    const wanted = this.int(min, max);
    while (out.length < wanted) {
      const followers = this.chain.next.get(out[out.length - 1]!) ?? [END];
      let token = this.pick(followers);
      if (token === END) token = this.pick(this.chain.words); // jump: keep going from some other word
      if (token === ',' && out[out.length - 1] === ',') continue;
      out.push(token);
    }
    while (out[out.length - 1] === ',') out.pop();
    return out;
  }

  sentence(min: number, max: number, end = '.'): string {
    return join(this.words(min, max)) + end;
  }

  /** A lower-case clause (to follow "a)" or a khoản number within a list). */
  clause(min: number, max: number, end: string): string {
    const text = join(this.words(min, max, this.pick(this.chain.words)));
    return lowerFirst(text) + end;
  }

  /** An article title: capitalised, no final stop. */
  title(min: number, max: number): string {
    return upperFirst(join(this.words(min, max)).replace(/,/gu, ''));
  }
}

const join = (tokens: string[]): string => tokens.join(' ').replace(/ ,/gu, ',');
const upperFirst = (s: string): string => s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);
const lowerFirst = (s: string): string => (/^\p{Lu}\p{Ll}/u.test(s) ? s.charAt(0).toLocaleLowerCase('vi') + s.slice(1) : s);

// ---------------------------------------------------------------------------------------------
// Synthetic decrees

const KINDS = [
  { type: 'nghi-dinh', word: 'Nghị định', suffix: 'NĐ-CP', prefix: 'nd', issuer: 'Chính phủ', folder: 'nghi-dinh', self: 'Nghị định này' },
  { type: 'thong-tu', word: 'Thông tư', suffix: 'TT-BNV', prefix: 'tt', issuer: 'Bộ Nội vụ', folder: 'thong-tu', self: 'Thông tư này' },
  { type: 'quyet-dinh', word: 'Quyết định', suffix: 'QĐ-TTg', prefix: 'qd', issuer: 'Thủ tướng Chính phủ', folder: 'quyet-dinh', self: 'Quyết định này' },
  { type: 'thong-tu', word: 'Thông tư', suffix: 'TT-BLĐTBXH', prefix: 'ttlt', issuer: 'Bộ Lao động – Thương binh và Xã hội', folder: 'thong-tu', self: 'Thông tư này' },
] as const;
const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'];
const CHAPTER_TITLES = ['QUY ĐỊNH CHUNG', 'ĐIỀU KIỆN, TIÊU CHUẨN', 'HỒ SƠ, THỦ TỤC', 'CHẾ ĐỘ ƯU ĐÃI', 'TRÁCH NHIỆM CỦA CƠ QUAN, TỔ CHỨC', 'QUẢN LÝ HỒ SƠ', 'KINH PHÍ THỰC HIỆN', 'ĐIỀU KHOẢN THI HÀNH'];
const DIEM = ['a', 'b', 'c', 'd', 'đ', 'e', 'g', 'h'];
const TOPICS = ['nguoi-co-cong', 'ho-so', 'thu-tuc-hanh-chinh', 'tro-cap', 'mai-tang', 'liet-si', 'thuong-binh', 'cap-xa', 'bao-hiem-y-te', 'dieu-duong'];

interface GeneratedDoc {
  file: string;
  articles: number;
  /** A few (article title, phrase of its text) pairs to ask about. */
  seeds: { title: string; phrase: string }[];
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function isoDate(random: () => number, year: number): string {
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  return `${year}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** One khoản: a sentence or two, sometimes a lead ending in ':' followed by điểm a), b), … */
function khoan(g: TextGenerator, n: number, self: string, article: number): string {
  const lines: string[] = [];
  if (g.random() < 0.35) {
    lines.push(`${n}. ${g.sentence(8, 20, ':')}`);
    const points = g.int(2, 4);
    for (let p = 0; p < points; p++) lines.push(`${DIEM[p]}) ${g.clause(6, 18, p === points - 1 ? '.' : ';')}`);
  } else {
    let text = g.sentence(12, 32);
    if (g.random() < 0.3) {
      const ref = Math.max(1, article - g.int(1, 6));
      text += ` Trường hợp quy định tại khoản ${g.int(1, 3)} Điều ${ref} của ${self} thì thực hiện theo hướng dẫn của Sở Nội vụ.`;
    }
    if (g.random() < 0.3) text += ` ${g.sentence(10, 24)}`;
    lines.push(`${n}. ${text}`);
  }
  return lines.join('\n');
}

/** The body of one Điều: a paragraph, or a lead sentence and 2–6 khoản. */
function articleBody(g: TextGenerator, self: string, article: number): string {
  const shape = g.random();
  if (shape < 0.35) {
    const sentences = g.int(2, 4);
    return Array.from({ length: sentences }, () => g.sentence(12, 30)).join(' ');
  }
  const parts: string[] = [];
  if (g.random() < 0.5) parts.push(g.sentence(8, 18, ':'));
  const count = shape < 0.75 ? g.int(2, 3) : g.int(4, 6);
  for (let k = 1; k <= count; k++) parts.push(khoan(g, k, self, article));
  return parts.join('\n');
}

function generateDocument(g: TextGenerator, i: number, articlesWanted: number): { relative: string; text: string; doc: GeneratedDoc } {
  const kind = KINDS[i % KINDS.length]!;
  const year = 2005 + (i % 21);
  const number = 1 + Math.floor(i / KINDS.length);
  const docNumber = `${number}/${year}/${kind.suffix}`;
  const id = `${kind.prefix}-${number}-${year}-${pad(i, 4)}`;
  const citation = `${kind.word} ${docNumber}`;
  const title = `${citation} ${lowerFirst(g.title(8, 16))}`;
  const issued = isoDate(g.random, year);
  const topics = [...new Set([g.pick(TOPICS), g.pick(TOPICS), kind.type])];
  const front = [
    '---',
    `id: ${id}`,
    `title: ${JSON.stringify(title)}`,
    `doc_number: ${JSON.stringify(docNumber)}`,
    `doc_type: ${kind.type}`,
    `citation: ${JSON.stringify(citation)}`,
    `issuer: ${JSON.stringify(kind.issuer)}`,
    `issued: ${issued}`,
    `effective: ${isoDate(g.random, Math.min(year + 1, 2026))}`,
    'status: in_force',
    `topic: [${topics.join(', ')}]`,
    'source_url:',
    `  - https://thuvienphapluat.vn/van-ban/synthetic/${id}.aspx`,
    'verified: true',
    'reviewed: 2026-11-27',
    '---',
    '',
  ];
  const body: string[] = [
    `Căn cứ Luật Tổ chức Chính phủ; căn cứ Pháp lệnh Ưu đãi người có công với cách mạng số 02/2020/UBTVQH14; ${g.clause(10, 24, '.')}`,
    '',
    `${kind.issuer} ban hành ${citation} ${lowerFirst(g.title(6, 12))}.`,
    '',
  ];
  const seeds: GeneratedDoc['seeds'] = [];
  const chapters = Math.min(CHAPTER_TITLES.length, Math.max(3, Math.round(articlesWanted / 9)));
  let article = 0;
  for (let c = 0; c < chapters; c++) {
    body.push(`## Chương ${ROMAN[c]}`, c === chapters - 1 ? CHAPTER_TITLES[CHAPTER_TITLES.length - 1]! : CHAPTER_TITLES[c]!, '');
    const inChapter = c === chapters - 1 ? articlesWanted - article : Math.round(articlesWanted / chapters);
    for (let a = 0; a < inChapter; a++) {
      article += 1;
      const heading = g.title(4, 11);
      const text = articleBody(g, kind.self, article);
      body.push(`## Điều ${article}. ${heading}`, '', text, '');
      if (g.random() < 0.08) {
        const words = text.replace(/^\d+\.\s|^[a-zđ]\)\s/gmu, '').match(/[\p{L}\p{N}]+/gu) ?? [];
        const at = Math.floor(g.random() * Math.max(1, words.length - 6));
        seeds.push({ title: heading, phrase: words.slice(at, at + g.int(3, 6)).join(' ') });
      }
    }
  }
  const relative = `${kind.folder}/${pad(Math.floor(i / 100), 2)}/${id}.md`;
  return { relative, text: [...front, ...body].join('\n'), doc: { file: relative, articles: article, seeds } };
}

const QUESTION_FORMS = [
  (t: string, p: string) => `${t} quy định thế nào về ${p}?`,
  (t: string, p: string) => `${p} theo ${t} gồm những gì`,
  (t: string) => `${t} là gì?`,
  (t: string, p: string) => `hồ sơ ${p} ${t}`,
  (_t: string, p: string) => `${p} được hưởng bao nhiêu?`,
  (t: string, p: string) => `UBND xã phải làm gì khi ${p}, ${t}`,
];

function questionsFrom(docs: GeneratedDoc[], count: number, random: () => number): string[] {
  const seeds = docs.flatMap((d) => d.seeds);
  const questions: string[] = [];
  for (let i = 0; questions.length < count / 2 && i < count * 10; i++) {
    const seed = seeds[Math.floor(random() * seeds.length)]!;
    const form = QUESTION_FORMS[i % QUESTION_FORMS.length]!;
    questions.push(upperFirst(form(lowerFirst(seed.title), seed.phrase.toLocaleLowerCase('vi'))));
  }
  // The same questions as officials often type them: no diacritics, lower case.
  return [...questions, ...questions.map((q) => fold(q).toLowerCase())];
}

// ---------------------------------------------------------------------------------------------
// Measurement

async function sizeOf(target: string): Promise<number> {
  const info = await stat(target).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(target)) total += await sizeOf(path.join(target, entry));
  return total;
}

async function vectorFileSizes(root: string): Promise<Record<string, number>> {
  const version = (await readFile(path.join(root, 'CURRENT'), 'utf8').catch(() => '')).trim();
  const out: Record<string, number> = {};
  if (!version) return out;
  for (const entry of await readdir(path.join(root, version))) out[entry] = (await sizeOf(path.join(root, version, entry))) / 2 ** 20;
  return out;
}

async function latency(searcher: HybridSearcher, questions: readonly string[]): Promise<{ p50: number; p99: number; max: number; empty: number }> {
  for (const q of questions.slice(0, 30)) await searcher.search(q, 10); // warm-up (lazy norms, JIT)
  const times: number[] = [];
  let empty = 0;
  for (const q of questions) {
    const started = performance.now();
    const result = await searcher.search(q, 10);
    times.push(performance.now() - started);
    if (result.hits.length === 0) empty += 1;
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times), empty };
}

export interface IngestLargeResult {
  documents: number;
  articles: number;
  chunks: number;
  sourceMb: number;
  generateMs: number;
  ingestMs: number;
  ingestFailed: number;
  indexMs: number;
  sqliteMb: number;
  walMb: number;
  vectorsMb: number;
  rssMb: number;
  heapMb: number;
  questions: number;
  withDiacritics: { p50: number; p99: number; max: number; empty: number };
  withoutDiacritics: { p50: number; p99: number; max: number; empty: number };
  unchangedIngestMs: number;
  unchangedRebuilt: boolean;
  changedFiles: number;
  changedIngestMs: number;
  changedChunksWritten: number;
  /** True when the 1% change changed the vector index's fingerprint (so the next searcher rebuilds it entirely). */
  vectorsInvalidated: boolean;
  /** Searcher rebuild after the 1% change; measured only with `measureRebuild`. */
  rebuildAfterChangeMs: number | undefined;
  /** Searcher build on a restart (vectors loaded from disk). */
  reopenIndexMs: number;
  /** MB per file of the live vector index version. */
  vectorFiles: Record<string, number>;
  /** Peak RSS of the process so far. */
  peakRssMb: number;
  totalMs: number;
}

/**
 * Writes `documents` synthetic decrees of about `articlesPerDocument` Điều each into a temporary knowledge
 * folder, ingests them into a fresh DATA_DIR and measures ingest, index build, disk, query latency,
 * restart, incremental re-ingest and memory. The searcher rebuild after the 1% change is a full index build;
 * it is timed only with `measureRebuild` (it doubles the section's run time). The temporary folder is removed
 * at the end.
 */
export async function benchIngestLarge(
  root: string,
  options: { documents?: number; articlesPerDocument?: number; questions?: number; seed?: number; measureRebuild?: boolean } = {},
): Promise<IngestLargeResult> {
  const documents = options.documents ?? 1000;
  const articlesPerDocument = options.articlesPerDocument ?? 37;
  const sectionStarted = performance.now();
  const work = await mkdtemp(path.join(tmpdir(), 'trolyxa-ingest50k-'));
  const knowledgeDir = path.join(work, 'knowledge');
  const dataDir = path.join(work, 'data');
  const config = loadConfig(
    {
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR: knowledgeDir,
      ABBREVIATIONS_FILE: path.join(root, 'knowledge', 'abbreviations.tsv'),
      LOG_LEVEL: 'silent',
      LLM_PROVIDER: 'none',
      EMBEDDINGS_PROVIDER: 'hashing',
    },
    root,
  );
  let kb: KnowledgeBase | undefined;
  try {
    // 1. The corpus.
    let started = performance.now();
    const chain = await buildChain(path.join(root, 'knowledge'));
    const g = new TextGenerator(chain, rng(options.seed ?? 50_000));
    const generated: GeneratedDoc[] = [];
    const texts = new Map<string, string>();
    let sourceBytes = 0;
    for (let i = 0; i < documents; i++) {
      const articles = Math.max(3, articlesPerDocument + g.int(-8, 8));
      const { relative, text, doc } = generateDocument(g, i, articles);
      const file = path.join(knowledgeDir, relative);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
      texts.set(relative, text);
      sourceBytes += Buffer.byteLength(text);
      generated.push(doc);
    }
    const generateMs = performance.now() - started;
    const questions = questionsFrom(generated, options.questions ?? 300, rng(7));

    // 2. Ingest into a fresh DATA_DIR, then build the searcher.
    kb = await KnowledgeBase.open(config);
    started = performance.now();
    const first = await kb.ingest();
    const ingestMs = performance.now() - started;
    started = performance.now();
    let searcher: HybridSearcher | undefined = await kb.searcher();
    const indexMs = performance.now() - started;
    const rss = process.memoryUsage();
    const sqliteMb = (await sizeOf(config.databaseFile)) / 2 ** 20;
    const walMb = (await sizeOf(`${config.databaseFile}-wal`)) / 2 ** 20;
    const vectorsMb = (await sizeOf(config.vectorDir)) / 2 ** 20;
    const vectorFiles = await vectorFileSizes(config.vectorDir);

    // 3. Queries, as written and without diacritics.
    const half = questions.length / 2;
    const withDiacritics = await latency(searcher, questions.slice(0, half));
    const withoutDiacritics = await latency(searcher, questions.slice(half));

    // 4. A restart: the same DATA_DIR opened again; the vector index is loaded from disk, the rest is rebuilt.
    // The first searcher is dropped first, as a new process would not have it.
    searcher = undefined;
    await kb.close();
    kb = undefined;
    kb = await KnowledgeBase.open(config);
    started = performance.now();
    searcher = await kb.searcher();
    const reopenIndexMs = performance.now() - started;

    // 5. Re-ingest with nothing changed: every file is read and hashed, nothing is written.
    started = performance.now();
    const unchanged = await kb.ingest();
    const unchangedIngestMs = performance.now() - started;
    const unchangedRebuilt = (await kb.searcher()) !== searcher;

    // 6. 1% of the files changed: one sentence added to one Điều of each.
    const changeRandom = rng(99);
    const names = [...texts.keys()];
    const toChange = new Set<string>();
    while (toChange.size < Math.max(1, Math.round(names.length / 100))) toChange.add(names[Math.floor(changeRandom() * names.length)]!);
    for (const relative of toChange) {
      const text = texts.get(relative)!;
      const edited = text.replace(/(## Điều 3\. [^\n]*\n\n[^\n]*)/u, '$1 Nội dung này được sửa đổi, bổ sung theo văn bản hợp nhất mới nhất.');
      await writeFile(path.join(knowledgeDir, relative), edited === text ? `${text}\nVăn bản được sửa đổi.\n` : edited);
    }
    started = performance.now();
    const changed = await kb.ingest();
    const changedIngestMs = performance.now() - started;
    // Does the change invalidate the whole vector index? (Its fingerprint covers every passage.)
    const manifest = await VectorIndex.readManifest(config.vectorDir);
    const passagesAfter = await kb.store.listPassages();
    const vectorsInvalidated =
      manifest?.fingerprint !== fingerprintOf(passagesAfter, createEmbeddingsSetup(config.embeddings, kb.settings).describe(), kb.settings);
    let rebuildAfterChangeMs: number | undefined;
    if (options.measureRebuild) {
      started = performance.now();
      searcher = await kb.searcher();
      rebuildAfterChangeMs = performance.now() - started;
      if (searcher.size !== passagesAfter.length) throw new Error(`searcher has ${searcher.size} passages, the store ${passagesAfter.length}`);
    }

    if (first.failed.length) console.log(`  ingest failures (first 3): ${JSON.stringify(first.failed.slice(0, 3))}`);
    return {
      documents,
      articles: generated.reduce((sum, d) => sum + d.articles, 0),
      chunks: first.chunksWritten,
      sourceMb: sourceBytes / 2 ** 20,
      generateMs,
      ingestMs,
      ingestFailed: first.failed.length,
      indexMs,
      sqliteMb,
      walMb,
      vectorsMb,
      rssMb: rss.rss / 2 ** 20,
      heapMb: rss.heapUsed / 2 ** 20,
      questions: questions.length,
      withDiacritics,
      withoutDiacritics,
      unchangedIngestMs,
      unchangedRebuilt: unchangedRebuilt || unchanged.added.length + unchanged.changed.length + unchanged.removed.length > 0,
      changedFiles: changed.changed.length,
      changedIngestMs,
      changedChunksWritten: changed.chunksWritten,
      vectorsInvalidated,
      rebuildAfterChangeMs,
      reopenIndexMs,
      vectorFiles,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      totalMs: performance.now() - sectionStarted,
    };
  } finally {
    await kb?.close();
    await rm(work, { recursive: true, force: true });
  }
}
