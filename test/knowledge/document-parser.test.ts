import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkDocument } from '../../src/knowledge/chunker.js';
import { DocumentParser } from '../../src/knowledge/document-parser.js';
import { DocumentLoadError, loadDocumentFile } from '../../src/knowledge/loaders.js';
import { inflatingPdf, paragraphsDocx } from '../helpers/hostile-files.js';

/*
 * The parse thread (src/knowledge/document-parser.ts): the same documents and chunks as loading in
 * this thread; a file over the time limit, the heap cap, or the memory its buffers may take is refused
 * (Vietnamese reason, `refused`) and the next file gets a fresh thread; closing fails a parse without
 * calling it a refusal.
 */

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/knowledge');
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'trolyxa-parser-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusalOf(parser: DocumentParser, file: string): Promise<DocumentLoadError> {
  try {
    await parser.parse(path.join(dir, file), dir);
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentLoadError);
    return error as DocumentLoadError;
  }
  throw new Error(`${file} was parsed`);
}

describe('a parse thread with the default limits', () => {
  const parser = new DocumentParser();
  afterAll(() => parser.close());

  it('gives the document and chunks the loader gives in this thread', async () => {
    const file = path.join(FIXTURES, 'thu-tuc-mau.md');
    const { doc, chunks } = await parser.parse(file, FIXTURES, { chunkMaxChars: 600 });
    const here = await loadDocumentFile(file, FIXTURES);
    expect(doc).toEqual(here);
    expect(chunks).toEqual(chunkDocument(here, { maxChars: 600 }));
    expect((await parser.parse(path.join(FIXTURES, 'nd-mau-999-2099.txt'), FIXTURES)).chunks).toBeUndefined();
  });

  it('passes on what the loader reports, not as a refusal', async () => {
    await writeFile(path.join(dir, 'tran.md'), '# Không có phần thông tin\n');
    const error = await refusalOf(parser, 'tran.md');
    expect(error.refused).toBe(false);
    expect(error.file).toBe('tran.md');
    expect(error.reason).toMatch(/^phần thông tin đầu tệp \(front matter\): chưa có/u);
  });
});

describe('the limits of the parse thread', () => {
  it('refuses a file over the time limit, then parses the next one in a fresh thread', async () => {
    // pdfjs would inflate 1 GiB (the stream check skips a stream marked as an image): seconds of work.
    await writeFile(path.join(dir, 'cham.pdf'), inflatingPdf(1024, '/Subtype /Image '));
    const parser = new DocumentParser({ memoryMb: 1024, timeoutMs: 500 });
    try {
      const error = await refusalOf(parser, 'cham.pdf');
      expect(error.refused).toBe(true);
      expect(error.reason).toBe(
        'đọc tệp mất hơn 0,5 giây, vượt giới hạn thời gian của luồng đọc tài liệu (PARSE_TIMEOUT_SECONDS); tệp quá lớn, hoặc được dựng để làm treo máy chủ',
      );
      const next = await parser.parse(path.join(FIXTURES, 'thu-tuc-mau.md'), FIXTURES);
      expect(next.doc.meta.id).toBe('thu-tuc-mau');
    } finally {
      await parser.close();
    }
  });

  it('refuses a file that exhausts the thread’s heap (ERR_WORKER_OUT_OF_MEMORY)', async () => {
    // 0.9 MiB of one-letter paragraphs, the tag cap lifted: mammoth needs some 200 MB for them.
    await writeFile(path.join(dir, 'doan.docx'), await paragraphsDocx(0.9));
    const parser = new DocumentParser({ memoryMb: 64, timeoutMs: 120_000 }, { loadLimits: { maxDocxXmlTags: Number.MAX_SAFE_INTEGER } });
    try {
      const error = await refusalOf(parser, 'doan.docx');
      expect(error.refused).toBe(true);
      expect(error.reason).toMatch(/^đọc tệp cần hơn 64 MB bộ nhớ, vượt giới hạn của luồng đọc tài liệu \(PARSE_MEMORY_MB\)/u);
    } finally {
      await parser.close();
    }
  });

  it('refuses a file whose buffers (outside the heap cap) grow the process past twice the cap', async () => {
    await writeFile(path.join(dir, 'bung.pdf'), inflatingPdf(1024, '/Subtype /Image '));
    const parser = new DocumentParser({ memoryMb: 64, timeoutMs: 120_000 });
    try {
      const error = await refusalOf(parser, 'bung.pdf');
      expect(error.refused).toBe(true);
      expect(error.reason).toMatch(/^đọc tệp cần hơn 64 MB bộ nhớ/u);
    } finally {
      await parser.close();
    }
  });

  it('fails a parse under way when it is closed, without calling the file refused', async () => {
    await writeFile(path.join(dir, 'dang-doc.pdf'), inflatingPdf(1024, '/Subtype /Image '));
    const parser = new DocumentParser({ memoryMb: 4096, timeoutMs: 120_000 });
    const parse = parser.parse(path.join(dir, 'dang-doc.pdf'), dir);
    const outcome = parse.then(
      () => 'parsed',
      (error: unknown) => error,
    );
    await sleep(200); // starting the thread, or reading: whichever it is, closing is no refusal
    await parser.close();
    const error = await outcome;
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(DocumentLoadError);
    await expect(parser.parse(path.join(FIXTURES, 'thu-tuc-mau.md'), FIXTURES)).rejects.toThrow('the document parser is closed');
  });
});

