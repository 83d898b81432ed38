/**
 * Text of a PDF through pdf-parse (pdfjs-dist), after {@link checkPdfStreams} has measured its
 * compressed streams.
 */
import type { PDFParse } from 'pdf-parse';
import { checkExtractedSize, tidyText, type Fail, type NeedsOcr, type Refuse } from './load-error.js';
import { checkPdfStreams } from './pdf-streams.js';

let pdfParse: Promise<typeof import('pdf-parse')> | undefined;
const NATIVE_PUSH = Array.prototype.push;
const NATIVE_JSON_PARSE = JSON.parse;

/**
 * pdfjs-dist (legacy build, under pdf-parse) installs core-js versions of `Array.prototype.push` and
 * `JSON.parse` over the native ones, when it loads and again when its worker code loads: several times
 * slower, and on the hot path of every webhook (body parsing, indexing). They are put back after each use.
 */
function restoreNatives(): void {
  if (Array.prototype.push !== NATIVE_PUSH) Array.prototype.push = NATIVE_PUSH;
  if (JSON.parse !== NATIVE_JSON_PARSE) JSON.parse = NATIVE_JSON_PARSE;
}

/** pdf-parse, loaded at the first PDF rather than at start-up. */
function loadPdfParse(): Promise<typeof import('pdf-parse')> {
  pdfParse ??= import('pdf-parse').finally(restoreNatives);
  return pdfParse;
}

/** Fewer letters and digits than this per page, and the PDF is taken for a scan (page numbers, a stamp…). */
const MIN_TEXT_CHARS_PER_PAGE = 20;

/**
 * The text of a PDF (pages joined, NFC). Refuses one whose Flate streams inflate beyond `maxInflatedBytes`
 * before pdfjs reads it; reports one without a text layer, or with next to nothing in it, as a scan (`scan`).
 */
export async function extractPdf(buffer: Buffer, options: { maxInflatedBytes: number; fail: Fail; refuse: Refuse; scan: NeedsOcr }): Promise<string> {
  const { fail, refuse } = options;
  await checkPdfStreams(buffer, options.maxInflatedBytes, refuse);
  let parser: PDFParse | undefined;
  let text: string;
  let pages: number;
  try {
    const { PDFParse } = await loadPdfParse();
    parser = new PDFParse({ data: new Uint8Array(buffer), verbosity: 0 });
    const result = await parser.getText({ pageJoiner: '' });
    text = result.text;
    pages = Math.max(1, result.total);
  } catch (error) {
    return fail(`unreadable .pdf: ${error instanceof Error ? error.message : String(error)}`, error);
  } finally {
    await parser?.destroy().catch(() => undefined);
    restoreNatives();
  }
  checkExtractedSize(text, '.pdf', refuse);
  const body = tidyText(text.replace(/\t/gu, ' ')).replace(/\n{3,}/gu, '\n\n').trim();
  if ((body.match(/[\p{L}\p{N}]/gu)?.length ?? 0) < MIN_TEXT_CHARS_PER_PAGE * pages) {
    return options.scan('tệp PDF không có lớp chữ (bản quét): cần nhận dạng chữ (OCR)');
  }
  return body;
}
