/**
 * Text of a PDF through pdf-parse (pdfjs-dist), after {@link checkPdfStreams} has measured its
 * compressed streams.
 */
import type { PDFParse } from 'pdf-parse';
import { checkExtractedSize, tidyText, type Fail, type Refuse } from './load-error.js';
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

/**
 * The text of a PDF (pages joined, NFC). Refuses one whose Flate streams inflate beyond `maxInflatedBytes`
 * before pdfjs reads it; reports one without extractable text (a scan).
 */
export async function extractPdf(buffer: Buffer, options: { maxInflatedBytes: number; fail: Fail; refuse: Refuse }): Promise<string> {
  const { fail, refuse } = options;
  await checkPdfStreams(buffer, options.maxInflatedBytes, refuse);
  let parser: PDFParse | undefined;
  let text: string;
  try {
    const { PDFParse } = await loadPdfParse();
    parser = new PDFParse({ data: new Uint8Array(buffer), verbosity: 0 });
    text = (await parser.getText({ pageJoiner: '' })).text;
  } catch (error) {
    return fail(`unreadable .pdf: ${error instanceof Error ? error.message : String(error)}`, error);
  } finally {
    await parser?.destroy().catch(() => undefined);
    restoreNatives();
  }
  checkExtractedSize(text, '.pdf', refuse);
  const body = tidyText(text.replace(/\t/gu, ' ')).replace(/\n{3,}/gu, '\n\n').trim();
  if (!/[\p{L}\p{N}]/u.test(body)) {
    return fail('the PDF has no extractable text (a scanned PDF needs OCR first, e.g. ocrmypdf, then load the result)');
  }
  return body;
}
