/**
 * The search thread: holds its own copy of the searcher and answers `search` calls, so that scoring
 * (the heaviest step of an answer) runs beside the thread that serves webhooks. See SearchThread.
 */
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../thread-priority.js';
import { AbbreviationDictionary } from '../text/abbreviations.js';
import { createEmbeddingsSetup } from './embeddings.js';
import { HybridSearcher } from './hybrid-search.js';
import type { FromSearchThread, SearcherSnapshot, ToSearchThread } from './search-thread-protocol.js';

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
