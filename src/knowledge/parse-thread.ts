/**
 * The parse thread: loads and chunks one knowledge file at a time for {@link DocumentParser}, under the
 * heap limit the parser gave it and the time limit it enforces. Whatever a file does here (a heap
 * exhausted, minutes of work), the server's thread keeps serving.
 */
import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../thread-priority.js';
import { chunkDocument } from './chunker.js';
import { DocumentLoadError } from './load-error.js';
import { loadDocumentFile, type LoadLimits } from './loaders.js';
import type { Chunk, LoadedDocument } from './types.js';

export interface ParseRequest {
  id: number;
  absPath: string;
  rootDir: string;
  limits: LoadLimits;
  /** Chunk the document too, at this size. */
  chunkMaxChars?: number;
  /** The OCR text of a scan, read in the main process (src/ocr/). */
  scanText?: string;
}

export type FromParseThread =
  | { type: 'ready' }
  | { type: 'parsed'; id: number; doc: LoadedDocument; chunks?: Chunk[] }
  | { type: 'failed'; id: number; file: string; reason: string; refused: boolean; needsOcr?: boolean };

// Well below the main thread, which answers webhooks and pages: under contention for the cores they go
// first, and parsing (background work) waits.
lowerThreadPriority(10);

const port = parentPort!;
const post = (message: FromParseThread) => port.postMessage(message);

port.on('message', (request: ParseRequest) => {
  void parse(request);
});
post({ type: 'ready' });

async function parse(request: ParseRequest): Promise<void> {
  try {
    const doc = await loadDocumentFile(request.absPath, request.rootDir, request.limits, { scanText: request.scanText });
    const chunks = request.chunkMaxChars === undefined ? undefined : chunkDocument(doc, { maxChars: request.chunkMaxChars });
    post({ type: 'parsed', id: request.id, doc, chunks });
  } catch (error) {
    if (error instanceof DocumentLoadError) {
      post({ type: 'failed', id: request.id, file: error.file, reason: error.reason, refused: error.refused, needsOcr: error.needsOcr });
      return;
    }
    // A stack or string exhausted by the file (RangeError) is the file's doing: refused, like a limit.
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RangeError) {
      post({ type: 'failed', id: request.id, file: '', reason: `tệp có cấu trúc bất thường, đọc nó làm cạn tài nguyên (${message})`, refused: true });
    } else {
      post({ type: 'failed', id: request.id, file: '', reason: message, refused: false });
    }
  }
}
