import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KnowledgeStore, StoredDocument } from '../storage/knowledge-store.js';
import { ScanRejected, type ScanProgress, type ScanReader } from '../ocr/scan-reader.js';
import { normaliseOcrText } from '../ocr/ocr-text.js';
import { buildToneVocabulary, type ToneVocabulary } from '../ocr/tone-repair.js';
import { MIME_TYPES, scanFormatOf } from '../ocr/scan-format.js';
import { DocumentParser, type ParsedDocument } from './document-parser.js';
import { DocumentLoadError } from './load-error.js';
import { listKnowledgeFiles } from './loaders.js';
import type { Chunk } from './types.js';

/** Bump when the loaders or the chunker change what they produce, so that every file is re-chunked. */
export const PIPELINE_VERSION = 1;

export interface IngestFailure {
  file: string;
  reason: string;
  /** Refused as too costly or hostile to read (over a size, time or memory limit): no metadata fixes it. */
  refused?: boolean;
}

export interface IngestReport {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
  failed: IngestFailure[];
  /** Files of `added` and `changed` read by OCR: stored, but out of search until an admin accepts their text. */
  awaitingReview: string[];
  /** Chunks written by this run. */
  chunksWritten: number;
}

export interface IngestOptions {
  store: KnowledgeStore;
  dir: string;
  chunkMaxChars: number;
  onProgress?: (done: number, total: number, file: string) => void;
  /** Reads the files (in a worker thread, under limits); without one, a parser with the default limits is used for this run. */
  parser?: DocumentParser;
  /**
   * Refusals by content hash, kept across runs by the caller: a refused file that has not changed is
   * reported again without being read again.
   */
  refusals?: Map<string, string>;
  /** Reads scans (images, PDFs without a text layer); without one, scans are reported as failed. */
  scanReader?: ScanReader;
  /** Pages read so far of the scan being read. */
  onScanProgress?: (file: string, progress: ScanProgress) => void;
}

/**
 * Brings the store in line with a knowledge folder: new and changed files are loaded and chunked (in
 * the parse thread, under its limits), files that are gone are removed, unchanged files (same bytes,
 * same pipeline) are not touched. A file that fails to load is reported (`refused` when it went over a
 * limit) and keeps its previous version, if any; the other files are still ingested. All writes of a
 * run happen in one transaction.
 */
export async function ingestKnowledge(options: IngestOptions): Promise<IngestReport> {
  const parser = options.parser ?? new DocumentParser();
  try {
    return await ingestWith(parser, options);
  } finally {
    if (!options.parser) await parser.close();
  }
}

async function ingestWith(parser: DocumentParser, options: IngestOptions): Promise<IngestReport> {
  const { store, dir } = options;
  const report: IngestReport = { added: [], changed: [], removed: [], unchanged: [], failed: [], awaitingReview: [], chunksWritten: 0 };
  let vocabulary: Promise<ToneVocabulary> | undefined;
  // The published passages are the vocabulary OCR text is repaired against (read once, at the first scan).
  const toneVocabulary = () => (vocabulary ??= store.listPassages().then((passages) => buildToneVocabulary(passages.map((p) => p.text))));
  const files = await listKnowledgeFiles(dir);
  const stored = await store.listDocuments();
  const byPath = new Map(stored.map((d) => [d.sourcePath, d]));
  const seenIds = new Map<string, string>();
  const keepPaths = new Set<string>();
  const pending: { doc: StoredDocument; chunks: Chunk[]; isNew: boolean }[] = [];

  for (const [i, absolute] of files.entries()) {
    const relative = toRelative(dir, absolute);
    options.onProgress?.(i, files.length, relative);
    keepPaths.add(relative);
    let hash: string | undefined;
    try {
      hash = await contentHash(absolute, options.chunkMaxChars);
      const previous = byPath.get(relative);
      if (previous && previous.contentHash === hash) {
        claimId(seenIds, previous.id, relative);
        report.unchanged.push(relative);
        continue;
      }
      const refused = options.refusals?.get(hash);
      if (refused !== undefined) {
        report.failed.push({ file: relative, reason: refused, refused: true });
        continue;
      }
      const { parsed, ocr } = await parseOrOcr(parser, absolute, relative, options, toneVocabulary);
      const { doc: loaded, chunks = [] } = parsed;
      claimId(seenIds, loaded.meta.id, relative);
      if (chunks.length === 0) throw new Error('the document has no text to index');
      pending.push({
        doc: { id: loaded.meta.id, sourcePath: relative, contentHash: hash, meta: loaded.meta, ...(ocr && { ocr }) },
        chunks,
        isNew: !previous,
      });
    } catch (error) {
      if (isRefusal(error)) {
        report.failed.push({ file: relative, reason: error.reason, refused: true });
        if (hash !== undefined) remember(options.refusals, hash, error.reason);
      } else {
        report.failed.push({ file: relative, reason: reasonOf(error) });
      }
    }
  }
  options.onProgress?.(files.length, files.length, '');

  const toSave = pending.filter(({ doc }) => {
    // An id taken over from a file that is still there but failed to load would silently replace it.
    const owner = stored.find((d) => d.id === doc.id && d.sourcePath !== doc.sourcePath);
    if (owner && keepPaths.has(owner.sourcePath) && !pending.some((p) => p.doc.sourcePath === owner.sourcePath)) {
      report.failed.push({ file: doc.sourcePath, reason: `duplicate id "${doc.id}" (also used by ${owner.sourcePath})` });
      return false;
    }
    return true;
  });
  const failedPaths = new Set(report.failed.map((f) => f.file));
  const savedIds = new Set(toSave.map((p) => p.doc.id));
  const gone = stored.filter(
    (doc) => !keepPaths.has(doc.sourcePath) && !failedPaths.has(doc.sourcePath) && !savedIds.has(doc.id),
  );

  await store.applyChanges(toSave, gone.map((d) => d.id));
  for (const { doc, chunks, isNew } of toSave) {
    report.chunksWritten += chunks.length;
    (isNew ? report.added : report.changed).push(doc.sourcePath);
    if (doc.ocr) report.awaitingReview.push(doc.sourcePath);
  }
  report.removed.push(...gone.map((d) => d.sourcePath));
  return report;
}

/**
 * Loads a file; a scan (the loader says it needs OCR) is read by the scan reader, its text normalised, and
 * loaded again with that text as its body. A scan the reader refuses is a refusal, like a file over a limit.
 */
async function parseOrOcr(
  parser: DocumentParser,
  absolute: string,
  relative: string,
  options: IngestOptions,
  vocabulary: () => Promise<ToneVocabulary>,
): Promise<{ parsed: ParsedDocument; ocr?: StoredDocument['ocr'] }> {
  const { dir, chunkMaxChars, scanReader } = options;
  try {
    return { parsed: await parser.parse(absolute, dir, { chunkMaxChars }) };
  } catch (error) {
    if (!(error instanceof DocumentLoadError && error.needsOcr)) throw error;
    if (!scanReader) throw new DocumentLoadError(relative, `${error.reason}; chưa cấu hình bộ nhận dạng chữ`);
    const bytes = await readFile(absolute);
    let scanned;
    try {
      scanned = await scanReader.read(
        { bytes, mimeType: MIME_TYPES[scanFormatOf(bytes) ?? 'pdf'], fileName: path.basename(absolute) },
        { onProgress: (progress) => options.onScanProgress?.(relative, progress) },
      );
    } catch (scanError) {
      if (scanError instanceof ScanRejected) throw new DocumentLoadError(relative, scanError.message, { refused: true });
      throw scanError;
    }
    const text = normaliseOcrText(scanned.text, { vocabulary: await vocabulary(), uncertainWords: scanned.uncertainWords });
    if (!/[\p{L}\p{N}]/u.test(text)) throw new DocumentLoadError(relative, 'nhận dạng chữ không tìm thấy chữ nào trong bản quét', { refused: true });
    const parsed = await parser.parse(absolute, dir, { chunkMaxChars, scanText: text });
    return { parsed, ocr: { pages: scanned.pages, confidence: scanned.meanConfidence === null ? null : Math.round(scanned.meanConfidence * 10) / 10 } };
  }
}

function claimId(seen: Map<string, string>, id: string, file: string): void {
  const other = seen.get(id);
  if (other) throw new Error(`duplicate id "${id}" (also used by ${other})`);
  seen.set(id, file);
}

function toRelative(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/');
}

/** Hash of the file, any metadata sidecar beside it, and the pipeline settings. */
async function contentHash(file: string, chunkMaxChars: number): Promise<string> {
  const hash = createHash('sha256').update(`v${PIPELINE_VERSION}:${chunkMaxChars}\u0000`);
  hash.update(await readFile(file));
  const stem = file.replace(/\.[^./\\]+$/, '');
  for (const sidecar of [`${stem}.meta.yaml`, `${stem}.meta.yml`, `${stem}.meta.json`, `${file}.meta.yaml`, `${file}.meta.yml`, `${file}.meta.json`]) {
    const bytes = await readFile(sidecar).catch(() => undefined);
    if (bytes) hash.update(`\u0000${path.basename(sidecar)}\u0000`).update(bytes);
  }
  return hash.digest('hex');
}

/** At most this many refusals are remembered (the oldest are forgotten first). */
const MAX_REMEMBERED_REFUSALS = 1000;

function remember(refusals: Map<string, string> | undefined, hash: string, reason: string): void {
  if (!refusals) return;
  if (refusals.size >= MAX_REMEMBERED_REFUSALS) refusals.delete(refusals.keys().next().value!);
  refusals.set(hash, reason);
}

function isRefusal(error: unknown): error is DocumentLoadError {
  return error instanceof DocumentLoadError && error.refused;
}

function reasonOf(error: unknown): string {
  if (error && typeof error === 'object' && 'reason' in error && typeof error.reason === 'string') return error.reason;
  return error instanceof Error ? error.message : String(error);
}
