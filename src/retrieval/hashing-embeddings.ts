import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import { tokenize } from '../text/tokenize.js';

export interface HashingEmbeddingsOptions extends EmbeddingsParams {
  /** Vector size. */
  dimensions?: number;
  /** Weight of the character trigrams inside each syllable (what makes typos land near the right word). */
  trigramWeight?: number;
  /** Weight of adjacent-syllable features. */
  bigramWeight?: number;
  /** Inverse document frequency per bucket, fitted on the corpus with `fit`; all ones when absent. */
  idf?: Float32Array;
}

/**
 * An offline, deterministic embedding for Vietnamese that needs no model download: signed feature
 * hashing of diacritic-folded syllables, syllable bigrams and in-syllable character trigrams, weighted
 * by a per-bucket IDF fitted on the knowledge base, L2-normalised. It is lexical at heart, but its
 * trigrams let misspelt and mark-less words still land near the right passage, which the exact-term
 * index cannot do.
 */
export class HashingEmbeddings extends Embeddings {
  readonly dimensions: number;
  private readonly trigramWeight: number;
  private readonly bigramWeight: number;
  private idf: Float32Array;
  private readonly pending = new Map<string, Map<number, number>>();
  private readonly featureCache = new Map<string, SyllableFeatures>();
  private scratch: Float64Array | undefined;

  constructor(options: HashingEmbeddingsOptions = {}) {
    super(options);
    this.dimensions = options.dimensions ?? 512;
    this.trigramWeight = options.trigramWeight ?? 0.35;
    this.bigramWeight = options.bigramWeight ?? 1;
    this.idf = options.idf ?? new Float32Array(this.dimensions).fill(1);
    if (this.idf.length !== this.dimensions) throw new Error('HashingEmbeddings: idf length must equal dimensions');
  }

  /** Fits the per-bucket IDF on a corpus (one text per passage). */
  fit(texts: readonly string[]): this {
    const df = new Float64Array(this.dimensions);
    this.pending.clear();
    for (const text of texts) {
      const sparse = this.sparse(text);
      for (const bucket of sparse.keys()) df[bucket]! += 1;
      // The index build embeds the same texts right after fitting: keep their features for it.
      this.pending.set(text, sparse);
    }
    const n = texts.length;
    this.idf = Float32Array.from(df, (d) => Math.log(1 + (n - d + 0.5) / (d + 0.5)));
    return this;
  }

  get fittedIdf(): Float32Array {
    return this.idf;
  }

  embedText(text: string): number[] {
    const sparse = this.pending.get(text) ?? this.sparse(text);
    this.pending.delete(text);
    const vector = new Array<number>(this.dimensions).fill(0);
    let norm = 0;
    for (const [bucket, sum] of sparse) {
      // Sublinear term frequency keeps one repeated word from dominating a passage.
      const scaled = Math.sign(sum) * Math.log1p(Math.abs(sum)) * this.idf[bucket]!;
      vector[bucket] = scaled;
      norm += scaled * scaled;
    }
    norm = Math.sqrt(norm) || 1;
    for (const bucket of sparse.keys()) vector[bucket]! /= norm;
    return vector;
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((d) => this.embedText(d));
  }

  override async embedQuery(document: string): Promise<number[]> {
    return this.embedText(document);
  }

  /** Signed, weighted feature counts by bucket. */
  private sparse(text: string): Map<number, number> {
    const dense = (this.scratch ??= new Float64Array(this.dimensions));
    const touched: number[] = [];
    const put = (hash: number, weight: number): void => {
      const bucket = hash % this.dimensions;
      if (dense[bucket] === 0) touched.push(bucket);
      dense[bucket]! += (hash >>> 31) & 1 ? -weight : weight;
    };
    let previous: SyllableFeatures | undefined;
    for (const token of tokenize(text)) {
      const features = this.syllableFeatures(token.folded);
      put(features.unigram, 1);
      if (previous) put(mix(previous.unigram, features.unigram), this.bigramWeight);
      if (this.trigramWeight > 0) for (const trigram of features.trigrams) put(trigram, this.trigramWeight);
      previous = features;
    }
    const sums = new Map<number, number>();
    for (const bucket of touched) {
      if (dense[bucket] !== 0) sums.set(bucket, dense[bucket]!);
      dense[bucket] = 0;
    }
    return sums;
  }

  private syllableFeatures(word: string): SyllableFeatures {
    let features = this.featureCache.get(word);
    if (!features) {
      const trigrams: number[] = [];
      if (word.length > 2) {
        const padded = `<${word}>`;
        for (let j = 0; j + 3 <= padded.length; j++) trigrams.push(fnv1a('t' + padded.slice(j, j + 3)));
      }
      features = { unigram: fnv1a('u' + word), trigrams };
      if (this.featureCache.size < 500_000) this.featureCache.set(word, features);
    }
    return features;
  }
}

interface SyllableFeatures {
  unigram: number;
  trigrams: number[];
}

/** Combines two hashes into the hash of the ordered pair. */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** 32-bit FNV-1a hash of a string's UTF-16 code units, as an unsigned integer. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
