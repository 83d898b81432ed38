/**
 * The search thread: holds its own copy of the searcher and answers `search` calls, so that scoring
 * (the heaviest step of an answer) runs beside the thread that serves webhooks. See SearchThread.
 */
import { parentPort } from 'node:worker_threads';
import type { StoredPassage } from '../storage/knowledge-store.js';
import { lowerThreadPriority } from '../thread-priority.js';
import { AbbreviationDictionary } from '../text/abbreviations.js';
import { createEmbeddingsSetup, type EmbeddingsConfig } from './embeddings.js';
import { HybridSearcher, type RankedResult } from './hybrid-search.js';
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

// A little below the main thread, which acknowledges webhooks: under contention for the cores, the
// acknowledgements come first.
lowerThreadPriority(3);

const port = parentPort!;
const post = (message: FromSearchThread) => port.postMessage(message);
let current: { generation: number; searcher: HybridSearcher } | undefined;

port.on('message', (message: ToSearchThread) => {
  if (message.type === 'load') {
    void load(message);
    return;
  }
  if (!current || current.generation !== message.generation) {
    post({ type: 'stale', id: message.id });
    return;
  }
  current.searcher
    .rank(message.query, message.k)
    .then((result) => post({ type: 'hits', id: message.id, ...result }))
    .catch((error: unknown) => post({ type: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) }));
});

async function load(snapshot: SearcherSnapshot): Promise<void> {
  try {
    const searcher = await HybridSearcher.create({
      passages: snapshot.passages,
      dictionary: snapshot.abbreviationsFile ? AbbreviationDictionary.load(snapshot.abbreviationsFile) : AbbreviationDictionary.empty(),
      settings: snapshot.settings,
      embeddings: createEmbeddingsSetup(snapshot.embeddings, snapshot.settings),
      vectorRoot: snapshot.vectorRoot,
    });
    current = { generation: snapshot.generation, searcher };
    post({ type: 'loaded', generation: snapshot.generation });
  } catch (error) {
    post({ type: 'load_failed', generation: snapshot.generation, message: error instanceof Error ? error.message : String(error) });
  }
}
