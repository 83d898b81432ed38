/**
 * A PDF's compressed streams measured before pdfjs reads them: pdfjs inflates a stream whole into one
 * growing buffer (outside the JavaScript heap, so no heap limit stops it), and a 2 MB stream of zeros
 * inflates to 2 GiB. Here each Flate stream (the filter of nearly every PDF, possibly applied several
 * times) is inflated natively, counted and thrown away, and the file is refused once the streams pdfjs
 * would decode for text pass a budget. Images are not counted (text extraction does not decode them);
 * other filters (LZW, …) are left to the parse thread's time and memory limits.
 */
import { createInflate, createInflateRaw, type Inflate, type InflateRaw } from 'node:zlib';
import { megabytes, type Refuse } from './load-error.js';

/** What a PDF's Flate streams may inflate to, in all, by default (the parse thread sets it from its memory cap). */
export const DEFAULT_MAX_PDF_INFLATED_BYTES = 64 * 1024 * 1024;

/** The budget of inflated PDF streams for a parse heap of `heapMb` MiB: a quarter of it. */
export function pdfInflateLimitFor(heapMb: number): number {
  return Math.max(1024 * 1024, Math.floor((heapMb * 1024 * 1024) / 4));
}

const STREAM = Buffer.from('stream', 'latin1');
const END_STREAM = Buffer.from('endstream', 'latin1');
/** How far back from `stream` the stream's dictionary is looked for. */
const DICTIONARY_WINDOW = 4096;

/**
 * Refuses a PDF whose non-image Flate streams inflate, together, beyond `maxBytes`.
 *
 * @example await checkPdfStreams(buffer, 64 * 1024 * 1024, refuse) // a 2 MB stream of 2 GiB of zeros: refused after 64 MiB
 */
export async function checkPdfStreams(buffer: Buffer, maxBytes: number, refuse: Refuse): Promise<void> {
  let total = 0;
  for (let at = buffer.indexOf(STREAM); at >= 0; at = buffer.indexOf(STREAM, at + STREAM.length)) {
    const start = dataStart(buffer, at);
    if (start === undefined) continue;
    const dictionary = dictionaryBefore(buffer, at);
    if (/\/Subtype\s*\/Image\b/u.test(dictionary)) continue;
    const stages = leadingFlateStages(dictionary);
    if (stages === 0) continue;
    const end = buffer.indexOf(END_STREAM, start);
    const data = buffer.subarray(start, end < 0 ? buffer.length : end);
    total += await inflatedLength(data, stages, maxBytes - total + 1);
    if (total > maxBytes) {
      refuse(`các luồng dữ liệu nén trong tệp PDF giải nén ra hơn ${megabytes(maxBytes)} (tệp quá lớn, hoặc tệp nén độc hại được dựng để làm tràn bộ nhớ)`);
    }
    if (end >= 0) at = end + END_STREAM.length - STREAM.length;
  }
}

/** Where the data of a `stream` keyword at `at` starts (after its end of line), or undefined if it is not one. */
function dataStart(buffer: Buffer, at: number): number | undefined {
  const before = buffer[at - 1];
  if (before !== undefined && /[A-Za-z0-9]/u.test(String.fromCharCode(before))) return undefined; // "endstream", "xstream"
  let p = at + STREAM.length;
  if (buffer[p] === 0x0d) p += 1;
  if (buffer[p] !== 0x0a) return buffer[p - 1] === 0x0d ? p : undefined;
  return p + 1;
}

/** The text between the object header (`12 0 obj`) and the `stream` keyword: the stream's dictionary. */
function dictionaryBefore(buffer: Buffer, at: number): string {
  const text = buffer.toString('latin1', Math.max(0, at - DICTIONARY_WINDOW), at);
  const header = text.lastIndexOf('obj');
  return header >= 0 ? text.slice(header) : text;
}

/** How many FlateDecode filters the stream's filter chain starts with. */
function leadingFlateStages(dictionary: string): number {
  const filter = /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/u.exec(dictionary)?.[1];
  if (!filter) return 0;
  const names = filter.match(/\/[A-Za-z0-9]+/gu) ?? [];
  let stages = 0;
  while (stages < names.length && (names[stages] === '/FlateDecode' || names[stages] === '/Fl')) stages += 1;
  return stages;
}

/** A zlib stream (the PDF standard) or, without a valid zlib header, a raw deflate stream. */
function inflater(data: Buffer): Inflate | InflateRaw {
  const cmf = data[0];
  const flg = data[1];
  const zlib = cmf !== undefined && flg !== undefined && (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
  return zlib ? createInflate() : createInflateRaw();
}

/**
 * Bytes `data` inflates to through `stages` Flate stages, every stage's output counted (pdfjs holds each
 * one whole), counting no further than `stopAt`; nothing is kept. A damaged stream counts what it gave
 * before the damage.
 */
function inflatedLength(data: Buffer, stages: number, stopAt: number): Promise<number> {
  return new Promise((resolve) => {
    const chain = Array.from({ length: stages }, (_, i) => (i === 0 ? inflater(data) : createInflate()));
    let total = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      for (const stream of chain) stream.destroy();
      resolve(total);
    };
    chain.forEach((stream, i) => {
      const next = chain[i + 1];
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total >= stopAt) finish();
        else if (next && !next.write(chunk)) stream.pause();
      });
      if (next) {
        next.on('drain', () => stream.resume());
        const close = () => {
          if (!done) next.end();
        };
        stream.on('end', close);
        stream.on('error', close);
      } else {
        stream.on('end', finish);
        stream.on('error', finish);
      }
    });
    chain[0]!.end(data);
  });
}
