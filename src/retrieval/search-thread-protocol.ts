/** The messages between SearchThread (search-thread-client.ts) and the thread itself (search-thread.ts). */
import type { StoredPassage } from '../storage/knowledge-store.js';
import type { EmbeddingsConfig } from './embeddings.js';
import type { RankedResult } from './search-results.js';
import type { RetrievalSettings } from './settings.js';

export interface SearcherSnapshot {
  generation: number;
  passages: readonly StoredPassage[];
  /** Undefined: no dictionary (the file is missing). */
  abbreviationsFile: string | undefined;
  settings: RetrievalSettings;
  embeddings: EmbeddingsConfig;
  vectorRoot: string;
}

export type ToSearchThread = ({ type: 'load' } & SearcherSnapshot) | { type: 'search'; id: number; generation: number; query: string; k: number };
export type FromSearchThread =
  | { type: 'loaded'; generation: number }
  | { type: 'load_failed'; generation: number; message: string }
  | ({ type: 'hits'; id: number } & RankedResult)
  /** The thread holds another snapshot (or none): the caller searches itself. */
  | { type: 'stale'; id: number }
  | { type: 'error'; id: number; message: string };
