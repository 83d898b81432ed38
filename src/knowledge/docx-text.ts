/**
 * Text of a Word .docx (through mammoth), after checking the zip without trusting it: its directory must
 * declare at most {@link MAX_DOCX_UNCOMPRESSED_BYTES} in all and at most `maxXmlBytes` of XML (what
 * mammoth turns into a document tree some 50 to 250 times larger in memory), every entry must inflate to
 * no more than it declares, and the XML may hold at most `maxXmlTags` tags (elements are what fill the
 * memory).
 */
import { createInflateRaw } from 'node:zlib';
import mammoth from 'mammoth';
import { checkExtractedSize, megabytes, tidyText, type Fail, type Refuse } from './load-error.js';
import type { LoadedDocument } from './types.js';

/** A .docx whose zip entries declare more than this, uncompressed, is refused as a likely zip bomb. */
export const MAX_DOCX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024;
/**
 * The XML parts of a .docx may declare at most this much, uncompressed, by default: mammoth needs about
 * 50 times the XML of an ordinary document in memory, and 250 times for one of many empty paragraphs.
 * The parse thread sets it from its memory cap ({@link docxXmlLimitsFor}).
 */
export const DEFAULT_MAX_DOCX_XML_BYTES = 4 * 1024 * 1024;

/**
 * mammoth's memory grows with the number of XML elements whatever their shape: up to about 1 KB of heap
 * a tag ("<") was measured, from ordinary paragraphs of formatted runs to hundreds of thousands of empty
 * ones. A .docx may hold one tag for every {@link HEAP_BYTES_PER_TAG} bytes of the parse heap.
 */
const HEAP_BYTES_PER_TAG = 1400;
/** The tags a .docx may hold by default (a 256 MiB parse heap). */
export const DEFAULT_MAX_DOCX_XML_TAGS = Math.floor((256 * 1024 * 1024) / HEAP_BYTES_PER_TAG);

/** The XML a .docx may hold for a parse heap of `heapMb` MiB: a sixty-fourth of it, and a tag per 1.4 KB of it. */
export function docxXmlLimitsFor(heapMb: number): { maxDocxXmlBytes: number; maxDocxXmlTags: number } {
  const heap = heapMb * 1024 * 1024;
  return { maxDocxXmlBytes: Math.max(256 * 1024, Math.floor(heap / 64)), maxDocxXmlTags: Math.floor(heap / HEAP_BYTES_PER_TAG) };
}

/** A zip central directory entry: where its data is and the sizes it declares. */
interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/**
 * Reads the zip central directory (without inflating anything) to refuse archives that are not a Word
 * document or that declare an excessive uncompressed size. Returns the entries.
 */
function checkDocxArchive(buffer: Buffer, maxXmlBytes: number, fail: Fail, refuse: Refuse): ZipEntry[] {
  const EOCD = 0x06054b50;
  const CEN = 0x02014b50;
  let eocd = -1;
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 22 - 0xffff); i--) {
    if (buffer.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('unreadable .docx: not a zip archive (a .docx file is a zip; was it renamed from .doc?)');
  const entries = buffer.readUInt16LE(eocd + 10);
  const dirOffset = buffer.readUInt32LE(eocd + 16);
  if (entries === 0xffff || dirOffset === 0xffffffff) fail('unreadable .docx: ZIP64 archives are not supported');
  let total = 0;
  let xml = 0;
  let hasDocument = false;
  let p = dirOffset;
  const list: ZipEntry[] = [];
  for (let n = 0; n < entries; n++) {
    if (p + 46 > buffer.length || buffer.readUInt32LE(p) !== CEN) fail('unreadable .docx: the zip directory is damaged');
    const size = buffer.readUInt32LE(p + 24);
    const nameLength = buffer.readUInt16LE(p + 28);
    const name = buffer.toString('utf8', p + 46, p + 46 + nameLength);
    if (name === 'word/document.xml') hasDocument = true;
    total += size;
    if (isXmlPart(name)) xml += size;
    list.push({ name, method: buffer.readUInt16LE(p + 10), compressedSize: buffer.readUInt32LE(p + 20), size, localOffset: buffer.readUInt32LE(p + 42) });
    p += 46 + nameLength + buffer.readUInt16LE(p + 30) + buffer.readUInt16LE(p + 32);
  }
  if (total > MAX_DOCX_UNCOMPRESSED_BYTES) {
    refuse(`tệp .docx giải nén ra tới ${megabytes(total)}, vượt giới hạn ${megabytes(MAX_DOCX_UNCOMPRESSED_BYTES)} (có thể là tệp nén độc hại, “zip bomb”)`);
  }
  if (xml > maxXmlBytes) {
    refuse(
      `phần văn bản XML của tệp .docx giải nén ra ${megabytes(xml)}, vượt giới hạn ${megabytes(maxXmlBytes)} (tài liệu quá dài, hoặc tệp được dựng để làm tràn bộ nhớ); hãy tách tài liệu thành nhiều tệp nhỏ hơn`,
    );
  }
  if (!hasDocument) fail('unreadable .docx: no word/document.xml in the archive (not a Word document)');
  return list;
}

/**
 * The declared sizes are the archive's own claim: a zip bomb can declare a few KB and inflate to GBs,
 * which the zip reader would only notice after inflating it all in memory. Each deflated entry is
 * inflated here as a stream, keeping nothing, and stopped as soon as it outgrows its declared size.
 */
async function checkInflatedSizes(
  buffer: Buffer,
  entries: readonly ZipEntry[],
  maxXmlTags: number,
  fail: Fail,
  refuse: Refuse,
): Promise<void> {
  let tags = 0;
  for (const entry of entries) {
    const at = entry.localOffset;
    if (at + 30 > buffer.length || buffer.readUInt32LE(at) !== 0x04034b50) fail('unreadable .docx: the zip directory is damaged');
    const start = at + 30 + buffer.readUInt16LE(at + 26) + buffer.readUInt16LE(at + 28);
    const data = buffer.subarray(start, start + entry.compressedSize);
    const xml = isXmlPart(entry.name);
    let grows = false;
    if (entry.method === 8) {
      const inflated = await inflatedLength(data, entry.size + 1, xml);
      grows = inflated.bytes > entry.size;
      tags += inflated.tags;
    } else if (entry.method === 0) {
      grows = data.length > entry.size;
      if (xml) tags += countTags(data);
    }
    if (grows) refuse(`phần ${entry.name} của tệp .docx giải nén ra nhiều hơn ${entry.size} byte mà tệp khai báo (có thể là tệp nén độc hại, “zip bomb”)`);
    if (tags > maxXmlTags) {
      refuse(
        `tệp .docx có hơn ${maxXmlTags.toLocaleString('vi-VN')} thẻ XML (mỗi đoạn, mỗi đoạn chữ định dạng riêng là vài thẻ), vượt giới hạn bộ nhớ khi đọc (tài liệu quá dài, hoặc được dựng để làm tràn bộ nhớ); hãy tách tài liệu thành nhiều tệp nhỏ hơn`,
      );
    }
  }
}

function isXmlPart(name: string): boolean {
  return /\.(xml|rels)$/iu.test(name);
}

/** The number of tags ("<") in a piece of XML. */
function countTags(chunk: Buffer): number {
  let n = 0;
  for (let i = chunk.indexOf(0x3c); i >= 0; i = chunk.indexOf(0x3c, i + 1)) n += 1;
  return n;
}

/**
 * Bytes a raw deflate stream inflates to, counting no further than `stopAt` (a damaged stream counts
 * what it gave), and the tags ("<") in them when `xml`.
 */
function inflatedLength(data: Buffer, stopAt: number, xml: boolean): Promise<{ bytes: number; tags: number }> {
  return new Promise((resolve) => {
    const inflate = createInflateRaw();
    let bytes = 0;
    let tags = 0;
    inflate.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (xml) tags += countTags(chunk);
      if (bytes >= stopAt) {
        inflate.destroy();
        resolve({ bytes, tags });
      }
    });
    inflate.on('end', () => resolve({ bytes, tags }));
    inflate.on('error', () => resolve({ bytes, tags }));
    inflate.end(data);
  });
}

/**
 * The text of a .docx: Word headings as Markdown headings (format 'markdown' when there are any), lists,
 * tables as lines of cells. Refuses archives over the limits above before mammoth sees them.
 */
export async function extractDocx(
  buffer: Buffer,
  options: { maxXmlBytes: number; maxXmlTags: number; fail: Fail; refuse: Refuse },
): Promise<{ body: string; format: LoadedDocument['format'] }> {
  const { fail, refuse } = options;
  const entries = checkDocxArchive(buffer, options.maxXmlBytes, fail, refuse);
  await checkInflatedSizes(buffer, entries, options.maxXmlTags, fail, refuse);
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer },
      { convertImage: mammoth.images.imgElement(async () => ({ src: '' })) }, // never inline images as data URIs
    );
    html = result.value;
  } catch (error) {
    return fail(`unreadable .docx: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  checkExtractedSize(html, '.docx', refuse);
  const { text, headings } = htmlToText(html);
  checkExtractedSize(text, '.docx', refuse);
  const body = tidyText(text);
  if (body.trim() === '') fail('unreadable .docx: the document has no text');
  return { body, format: headings ? 'markdown' : 'text' };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/giu, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * Turns mammoth's HTML into text: Word headings become Markdown `#` headings (so the chunker can use
 * them), paragraphs are separated by blank lines, list items get `- ` or `1. `, table rows become
 * lines of cells joined with " | ".
 */
function htmlToText(html: string): { text: string; headings: number } {
  const out: string[] = [];
  const lists: { ordered: boolean; next: number }[] = [];
  let tables = 0;
  let row: string[] = [];
  let cell: string[] | null = null;
  let headings = 0;
  const token = /<(\/?)([a-z0-9]+)\b[^>]*>|([^<]+)/giu;
  for (let m = token.exec(html); m; m = token.exec(html)) {
    if (m[3] !== undefined) {
      (cell ?? out).push(decodeEntities(m[3]).replace(/\s*\n\s*/gu, ' '));
      continue;
    }
    const closing = m[1] === '/';
    const name = m[2]!.toLowerCase();
    if (name === 'table') {
      tables += closing ? -1 : 1;
      if (tables === 0) out.push('\n\n');
      continue;
    }
    if (tables > 0) {
      // One line per table row, cells joined with " | "; nested structure inside a cell becomes spaces.
      if (tables === 1 && (name === 'td' || name === 'th')) {
        if (!closing) cell = [];
        else if (cell) {
          row.push(cell.join(' ').replace(/\s+/gu, ' ').replace(/\|/gu, '/').trim());
          cell = null;
        }
      } else if (tables === 1 && name === 'tr') {
        if (closing) out.push(`\n| ${row.join(' | ')} |`);
        row = [];
      } else {
        (cell ?? out).push(' ');
      }
      continue;
    }
    const heading = /^h([1-6])$/u.exec(name);
    if (heading) {
      if (!closing) headings += 1;
      out.push(closing ? '\n\n' : `\n\n${'#'.repeat(Number(heading[1]))} `);
    } else if (name === 'p') {
      if (lists.length === 0) out.push('\n\n');
      else if (closing) out.push(' ');
    } else if (name === 'br') {
      out.push('\n');
    } else if (name === 'ul' || name === 'ol') {
      if (!closing) lists.push({ ordered: name === 'ol', next: 1 });
      else lists.pop();
      out.push('\n');
    } else if (name === 'li') {
      const list = lists[lists.length - 1];
      if (!closing && list) out.push(`\n${'  '.repeat(lists.length - 1)}${list.ordered ? `${list.next++}. ` : '- '}`);
    }
    // Inline tags (strong, em, a, sup, sub, span, img) add nothing themselves.
  }
  const text = out
    .join('')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+$/u, ''))
    .join('\n')
    .replace(/\n{3,}/gu, '\n\n')
    .trim();
  return { text, headings };
}

