import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { SynchronousInMemoryDocstore } from '@langchain/community/stores/doc/in_memory';
import { topK } from './top-k.js';

export interface VectorPassage {
  id: string;
  /** The text that is embedded (heading and body). */
  text: string;
}

/** A query vector with its non-zero dimensions listed (hashing embeddings of a question are sparse). */
export interface QueryVector {
  dense: number[];
  indices: Int32Array;
  values: Float64Array;
  norm: number;
}

export function toQueryVector(dense: number[]): QueryVector {
  let count = 0;
  for (const v of dense) if (v !== 0) count += 1;
  const indices = new Int32Array(count);
  const values = new Float64Array(count);
  let norm = 0;
  let j = 0;
  dense.forEach((v, d) => {
    if (v === 0) return;
    indices[j] = d;
    values[j++] = v;
    norm += v * v;
  });
  return { dense, indices, values, norm: Math.sqrt(norm) };
}

/** Above this many multiply-adds (passages × non-zero query dimensions) a query goes through HNSW. */
const EXACT_SCAN_BUDGET = 150_000;

export interface VectorHit {
  /** Position of the passage in the array the index was built from. */
  index: number;
  /** Cosine similarity (1 = same direction), not hnswlib's cosine distance. */
  similarity: number;
}

const CURRENT = 'CURRENT';
const MANIFEST = 'manifest.json';
/** Row-major float32 copy of the vectors: hnswlib's getPoint is too slow to score candidates one by one. */
const MATRIX = 'vectors.f32';

export interface VectorManifest {
  fingerprint: string;
  embedding: Record<string, unknown>;
  count: number;
  builtAt: string;
}

/**
 * The vector leg: langchain's HNSWLib store (hnswlib-node, cosine space) kept as a derived cache in
 * `<root>/<version>/`, with `<root>/CURRENT` naming the live version. A rebuild writes a new version
 * folder and then replaces CURRENT by rename, so readers never see a half-built index.
 */
export class VectorIndex {
  private constructor(
    readonly store: HNSWLib,
    readonly manifest: VectorManifest,
    private readonly matrix: Float32Array,
    private readonly dimensions: number,
  ) {}

  get size(): number {
    return this.manifest.count;
  }

  static async build(
    root: string,
    passages: readonly VectorPassage[],
    embeddings: EmbeddingsInterface,
    manifest: Omit<VectorManifest, 'count' | 'builtAt'>,
    hnsw: { m?: number; efConstruction?: number } = {},
  ): Promise<VectorIndex> {
    const vectors = await embeddings.embedDocuments(passages.map((p) => p.text));
    const dimensions = vectors[0]?.length ?? 1;
    let store = new HNSWLib(embeddings, { space: 'cosine', numDimensions: dimensions });
    if (passages.length > 0) {
      // Built by hand rather than through addVectors so that M and efConstruction are ours to set.
      const { HierarchicalNSW } = await HNSWLib.imports();
      const index = new HierarchicalNSW('cosine', dimensions);
      index.initIndex(passages.length, hnsw.m ?? 16, hnsw.efConstruction ?? 100, 100);
      const docs = new Map<string, Document>();
      vectors.forEach((vector, i) => {
        index.addPoint(vector, i);
        docs.set(String(i), new Document({ pageContent: passages[i]!.text, metadata: { id: passages[i]!.id } }));
      });
      store = new HNSWLib(embeddings, {
        space: 'cosine',
        numDimensions: dimensions,
        index,
        docstore: new SynchronousInMemoryDocstore(docs),
      });
    }
    const matrix = new Float32Array(passages.length * dimensions);
    vectors.forEach((vector, i) => matrix.set(vector, i * dimensions));
    const full: VectorManifest = { ...manifest, count: passages.length, builtAt: new Date().toISOString() };
    const version = `v-${Date.now()}-${process.pid}`;
    const dir = path.join(root, version);
    await mkdir(dir, { recursive: true });
    if (passages.length > 0) await store.save(dir);
    await writeFile(path.join(dir, MATRIX), new Uint8Array(matrix.buffer));
    await writeFile(path.join(dir, MANIFEST), JSON.stringify(full));
    await swapCurrent(root, version);
    return new VectorIndex(store, full, matrix, dimensions);
  }

  /** Loads the live version, or returns undefined when there is none (or it cannot be read). */
  static async load(root: string, embeddings: EmbeddingsInterface): Promise<VectorIndex | undefined> {
    let version: string;
    try {
      version = (await readFile(path.join(root, CURRENT), 'utf8')).trim();
    } catch {
      return undefined;
    }
    const dir = path.join(root, version);
    try {
      const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST), 'utf8')) as VectorManifest;
      const store =
        manifest.count > 0
          ? await HNSWLib.load(dir, embeddings)
          : new HNSWLib(embeddings, { space: 'cosine', numDimensions: 1 });
      const bytes = await readFile(path.join(dir, MATRIX));
      const matrix = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      const dimensions = manifest.count > 0 ? matrix.length / manifest.count : 1;
      if (!Number.isInteger(dimensions)) return undefined;
      return new VectorIndex(store, manifest, matrix, dimensions);
    } catch {
      return undefined;
    }
  }

  /** Reads only the live manifest (to decide whether a rebuild is needed without loading the index). */
  static async readManifest(root: string): Promise<VectorManifest | undefined> {
    try {
      const version = (await readFile(path.join(root, CURRENT), 'utf8')).trim();
      return JSON.parse(await readFile(path.join(root, version, MANIFEST), 'utf8')) as VectorManifest;
    } catch {
      return undefined;
    }
  }

  /** Nearest passages by cosine similarity: exact when that is cheap (small index, sparse query), else HNSW. */
  search(query: QueryVector, k: number, ef = 100): VectorHit[] {
    if (this.size === 0) return [];
    if (this.size * query.indices.length <= EXACT_SCAN_BUDGET) return this.exactSearch(query, k);
    const index = this.store.index;
    index.setEf(Math.max(ef, k));
    const result = index.searchKnn(query.dense, Math.min(k, this.size));
    return result.neighbors.map((label, i) => ({ index: label, similarity: 1 - result.distances[i]! }));
  }

  /** Cosine similarity between a query vector and one stored passage. */
  similarity(query: QueryVector, passageIndex: number): number {
    const norm = this.norms()[passageIndex]!;
    if (query.norm === 0 || norm === 0) return 0;
    const offset = passageIndex * this.dimensions;
    let dot = 0;
    for (let j = 0; j < query.indices.length; j++) dot += query.values[j]! * this.matrix[offset + query.indices[j]!]!;
    return dot / (query.norm * norm);
  }

  /**
   * Every passage scored over the query's non-zero dimensions only, read from a dimension-major copy of
   * the vectors: for the bundled knowledge base this is several times faster than an HNSW lookup, and exact.
   */
  private exactSearch(query: QueryVector, k: number): VectorHit[] {
    if (query.norm === 0) return [];
    const columns = this.columns();
    const norms = this.norms();
    const n = this.size;
    const scores = new Float64Array(n);
    for (let j = 0; j < query.indices.length; j++) {
      const weight = query.values[j]!;
      const start = query.indices[j]! * n;
      for (let i = 0; i < n; i++) scores[i] = scores[i]! + weight * columns[start + i]!;
    }
    const inverse = 1 / query.norm;
    for (let i = 0; i < n; i++) scores[i] = norms[i]! > 0 ? (scores[i]! * inverse) / norms[i]! : 0;
    return topK(scores, k).map((hit) => ({ index: hit.index, similarity: hit.score }));
  }

  private columnMajor: Float32Array | undefined;
  private columns(): Float32Array {
    if (!this.columnMajor) {
      const n = this.size;
      const columns = new Float32Array(n * this.dimensions);
      for (let i = 0; i < n; i++) {
        const offset = i * this.dimensions;
        for (let d = 0; d < this.dimensions; d++) columns[d * n + i] = this.matrix[offset + d]!;
      }
      this.columnMajor = columns;
    }
    return this.columnMajor;
  }

  private passageNorms: Float64Array | undefined;
  private norms(): Float64Array {
    if (!this.passageNorms) {
      const norms = new Float64Array(this.size);
      for (let i = 0; i < this.size; i++) {
        let sum = 0;
        const offset = i * this.dimensions;
        for (let d = 0; d < this.dimensions; d++) sum += this.matrix[offset + d]! ** 2;
        norms[i] = Math.sqrt(sum);
      }
      this.passageNorms = norms;
    }
    return this.passageNorms;
  }
}

async function swapCurrent(root: string, version: string): Promise<void> {
  const tmp = path.join(root, `${CURRENT}.${process.pid}.tmp`);
  await writeFile(tmp, version);
  await rename(tmp, path.join(root, CURRENT));
  // Older versions are no longer reachable; a reader that loaded one keeps its copy in memory.
  for (const entry of await readdir(root)) {
    if (entry.startsWith('v-') && entry !== version) await rm(path.join(root, entry), { recursive: true, force: true });
  }
}
