/**
 * Reads knowledge files (.md, .txt, .docx, .pdf) into {@link LoadedDocument}s: UTF-8 checked, NFC, LF line
 * ends, metadata validated with {@link documentMetaSchema}. Every failure is a {@link DocumentLoadError}
 * naming the file and the reason.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInflateRaw } from 'node:zlib';
import matter from 'gray-matter';
import mammoth from 'mammoth';
import type { PDFParse } from 'pdf-parse';
import type { ZodError } from 'zod';
import { isDecorativeLine, parseLegalHeader, slugify } from './legal-structure.js';
import { documentMetaSchema, type DocumentMeta, type LoadedDocument } from './types.js';

/** Files larger than this are refused before they are read. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Text extracted from a .docx or .pdf larger than this (UTF-8 bytes) is refused. */
export const MAX_EXTRACTED_TEXT_BYTES = 5 * 1024 * 1024;
/** A .docx whose zip entries declare more than this, uncompressed, is refused as a likely zip bomb. */
export const MAX_DOCX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024;

/** Extensions {@link loadDocumentFile} reads. */
export const SUPPORTED_EXTENSIONS = ['.md', '.markdown', '.txt', '.docx', '.pdf'] as const;

const SIDECAR = /\.meta\.(ya?ml|json)$/iu;

/**
 * A knowledge file that cannot be loaded.
 *
 * @example
 * try { await loadDocumentFile(abs, root) } catch (e) {
 *   if (e instanceof DocumentLoadError) console.error(`${e.file}: ${e.reason}`) // "phap-ly/x.md: front matter: id: Required"
 * }
 */
export class DocumentLoadError extends Error {
  /** Path relative to the knowledge folder, with forward slashes. */
  readonly file: string;
  /** What is wrong, in English. */
  readonly reason: string;

  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, options);
    this.name = 'DocumentLoadError';
    this.file = file;
    this.reason = reason;
  }
}

// ---------------------------------------------------------------------------------------------
// Listing

/**
 * Absolute paths of the loadable files under `rootDir`, recursively, sorted by relative path.
 * Skips names starting with `.` or `_` (files and folders), `*.meta.yaml|yml|json` sidecars,
 * unsupported extensions, symbolic links to folders, and `README.md` at the root.
 *
 * @example await listKnowledgeFiles('/srv/knowledge') // ['/srv/knowledge/phap-ly/nd-131-2021.md', …]
 */
export async function listKnowledgeFiles(rootDir: string): Promise<string[]> {
  const root = path.resolve(rootDir);
  const found: { rel: string; abs: string }[] = [];

  async function walk(dir: string, relDir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
      const abs = path.join(dir, entry.name);
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(abs).catch(() => null);
        isDir = false; // never follow links into folders (cycles)
        isFile = target?.isFile() ?? false;
      }
      if (isDir) {
        await walk(abs, rel);
      } else if (isFile && isLoadableName(entry.name) && !(relDir === '' && entry.name.toLowerCase() === 'readme.md')) {
        found.push({ rel, abs });
      }
    }
  }

  await walk(root, '');
  return found.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0)).map((f) => f.abs);
}

function isLoadableName(name: string): boolean {
  if (SIDECAR.test(name)) return false;
  return (SUPPORTED_EXTENSIONS as readonly string[]).includes(path.extname(name).toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Loading

/**
 * Loads one knowledge file. `.md`/`.markdown` take their metadata from YAML front matter; `.txt`, `.docx`
 * and `.pdf` from a sidecar (`<name>.meta.yaml|yml|json` or `<name>.<ext>.meta.…`) whose keys override what
 * the document's own header gives (Số, date line, type word and title), with `id` defaulting to a slug of
 * the file name.
 *
 * @throws {DocumentLoadError} for an unsupported extension, a file over 20 MB, text that is not UTF-8,
 *   invalid metadata, an unreadable .docx/.pdf, or a PDF without extractable text.
 * @example
 * const doc = await loadDocumentFile('/srv/knowledge/phap-ly/nd-131-2021.md', '/srv/knowledge')
 * doc.meta.id // 'nd-131-2021'; doc.format // 'markdown'; doc.sourcePath // 'phap-ly/nd-131-2021.md'
 */
export async function loadDocumentFile(absPath: string, rootDir: string): Promise<LoadedDocument> {
  const sourcePath = path.relative(path.resolve(rootDir), path.resolve(absPath)).split(path.sep).join('/');
  const fail = (reason: string, cause?: unknown): never => {
    throw new DocumentLoadError(sourcePath, reason, cause === undefined ? undefined : { cause });
  };
  const ext = path.extname(absPath).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ext)) {
    fail(`unsupported file type "${ext || '(none)'}" (supported: ${SUPPORTED_EXTENSIONS.join(', ')})`);
  }

  const buffer = await readLimited(absPath, fail);

  if (ext === '.md' || ext === '.markdown') {
    const text = decodeUtf8(buffer, fail);
    return loadMarkdown(text, sourcePath, fail);
  }

  let body: string;
  let format: LoadedDocument['format'] = 'text';
  if (ext === '.txt') {
    body = tidy(decodeUtf8(buffer, fail));
  } else if (ext === '.docx') {
    ({ body, format } = await extractDocx(buffer, fail));
  } else {
    body = await extractPdf(buffer, fail);
  }
  const meta = await metaForPlainDocument(absPath, body, fail);
  return { meta, body, format, sourcePath };
}

type Fail = (reason: string, cause?: unknown) => never;

async function readLimited(absPath: string, fail: Fail): Promise<Buffer> {
  try {
    const info = await stat(absPath);
    if (!info.isFile()) return fail('not a regular file');
    if (info.size > MAX_FILE_BYTES) {
      return fail(`file is too large (${(info.size / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_FILE_BYTES / 1024 / 1024} MB)`);
    }
    return await readFile(absPath);
  } catch (error) {
    if (error instanceof DocumentLoadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    return fail(`cannot read the file (${code ?? (error as Error).message})`, error);
  }
}

/** Unicode NFC, LF line ends, no form feeds. */
function tidy(text: string): string {
  return text.replace(/\r\n?/gu, '\n').replace(/\f/gu, '\n').normalize('NFC');
}

/**
 * Decodes UTF-8 strictly: a UTF-8 BOM is dropped; a UTF-16 BOM, invalid bytes (Windows-1258, Latin-1, …)
 * or NUL characters (UTF-16 without BOM) are reported.
 */
function decodeUtf8(buffer: Buffer, fail: Fail): string {
  if ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff)) {
    return fail('not valid UTF-8: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer); // also strips a UTF-8 BOM
  } catch (error) {
    const lenient = new TextDecoder('utf-8').decode(buffer);
    const at = lenient.indexOf('\uFFFD');
    const line = at < 0 ? 1 : lenient.slice(0, at).split('\n').length;
    return fail(`not valid UTF-8 (first bad byte on line ${line}); save the file as UTF-8 (Windows-1258, TCVN3 and UTF-16 are not supported)`, error);
  }
  if (text.includes('\u0000')) {
    return fail('not valid UTF-8 text: it contains NUL characters (UTF-16 without a byte-order mark?); save it as UTF-8');
  }
  return tidy(text);
}

function formatZodError(error: ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('; ');
}

function validateMeta(data: Record<string, unknown>, where: string, fail: Fail): DocumentMeta {
  const parsed = documentMetaSchema.safeParse(data);
  if (!parsed.success) return fail(`${where}: ${formatZodError(parsed.error)}`, parsed.error);
  return parsed.data;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * YAML turns `2021-02-30` into 2 March 2021 without complaint. Put back the written text of a top-level
 * date that does not round-trip, so that the schema reports it as an invalid date.
 */
function restoreImpossibleDates(data: Record<string, unknown>, yamlText: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  for (const [key, value] of Object.entries(data)) {
    if (!(value instanceof Date)) continue;
    const escaped = key.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
    const written = new RegExp(`^${escaped}[ \\t]*:[ \\t]*["']?(\\d{4}-\\d{1,2}-\\d{1,2})(?=["'\\s#]|$)`, 'mu').exec(yamlText)?.[1];
    if (written && !Number.isNaN(value.getTime()) && written !== value.toISOString().slice(0, 10)) out[key] = written;
  }
  return out;
}

/** Parses a YAML mapping with gray-matter's YAML engine (the same rules as front matter). */
function parseYamlMapping(yamlText: string): Record<string, unknown> {
  const inner = yamlText.replace(/^---[ \t]*\n/u, '').replace(/\n(---|\.\.\.)[ \t]*\n?$/u, '\n');
  const parsed = matter(`---\n${inner}\n---\n`, {});
  return restoreImpossibleDates(parsed.data, inner);
}

function yamlReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message).trim();
}

function loadMarkdown(text: string, sourcePath: string, fail: Fail): LoadedDocument {
  if (!matter.test(text)) return fail('front matter: missing (a Markdown document must start with a "---" YAML block)');
  if (!/^---[^\n]*\n(?:[\s\S]*?\n)?---[ \t]*(?:\n|$)/u.test(text)) {
    return fail('front matter: not closed (add a line "---" after the YAML block)');
  }
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(text, {});
  } catch (error) {
    return fail(`front matter: invalid YAML: ${yamlReason(error)}`, error);
  }
  if (!isPlainObject(parsed.data)) return fail('front matter: expected a YAML mapping of keys to values');
  const meta = validateMeta(restoreImpossibleDates(parsed.data, parsed.matter), 'front matter', fail);
  return { meta, body: parsed.content.replace(/^\n+/u, ''), format: 'markdown', sourcePath };
}

// ---------------------------------------------------------------------------------------------
// Metadata of .txt, .docx and .pdf

async function readSidecar(absPath: string, fail: Fail): Promise<{ name: string; data: Record<string, unknown> } | null> {
  const dir = path.dirname(absPath);
  const base = path.basename(absPath);
  const stem = base.slice(0, base.length - path.extname(base).length);
  for (const name of [stem, base].flatMap((n) => [`${n}.meta.yaml`, `${n}.meta.yml`, `${n}.meta.json`])) {
    let raw: Buffer;
    try {
      raw = await readFile(path.join(dir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return fail(`sidecar ${name}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, error);
    }
    const text = decodeUtf8(raw, (reason, cause) => fail(`sidecar ${name}: ${reason}`, cause));
    let data: unknown;
    try {
      data = name.endsWith('.json') ? JSON.parse(text) : parseYamlMapping(text);
    } catch (error) {
      return fail(`sidecar ${name}: invalid ${name.endsWith('.json') ? 'JSON' : 'YAML'}: ${yamlReason(error)}`, error);
    }
    if (!isPlainObject(data)) return fail(`sidecar ${name}: expected a mapping of keys to values`);
    return { name, data };
  }
  return null;
}

/** The first line with some text, without Markdown heading markers, as a last-resort title. */
function firstLineTitle(body: string): string | undefined {
  for (const line of body.split('\n')) {
    const text = line.replace(/^#{1,6}\s+/u, '').trim();
    if (text.length >= 3 && !isDecorativeLine(text)) return text.length > 200 ? `${text.slice(0, 199)}…` : text;
  }
  return undefined;
}

async function metaForPlainDocument(absPath: string, body: string, fail: Fail): Promise<DocumentMeta> {
  const sidecar = await readSidecar(absPath, fail);
  const header = parseLegalHeader(body);
  const stem = path.basename(absPath, path.extname(absPath));
  const derived: Record<string, unknown> = { id: slugify(stem) || 'document' };
  derived.title = header.title ?? firstLineTitle(body) ?? stem;
  if (header.docNumber) derived.doc_number = header.docNumber;
  if (header.docType) derived.doc_type = header.docType;
  if (header.citation) derived.citation = header.citation;
  if (header.issuer) derived.issuer = header.issuer;
  if (header.issued) derived.issued = header.issued;
  if (header.invalidDate && sidecar?.data.issued === undefined) {
    fail(`date ${header.invalidDate} is not a valid date (from the date line in the document header)`);
  }
  if (!sidecar) return validateMeta(derived, 'metadata derived from the document header', fail);
  return validateMeta({ ...derived, ...sidecar.data }, `sidecar ${sidecar.name}`, fail);
}

// ---------------------------------------------------------------------------------------------
// .docx

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
function checkDocxArchive(buffer: Buffer, fail: Fail): ZipEntry[] {
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
    list.push({ name, method: buffer.readUInt16LE(p + 10), compressedSize: buffer.readUInt32LE(p + 20), size, localOffset: buffer.readUInt32LE(p + 42) });
    p += 46 + nameLength + buffer.readUInt16LE(p + 30) + buffer.readUInt16LE(p + 32);
  }
  if (total > MAX_DOCX_UNCOMPRESSED_BYTES) {
    fail(`refused .docx: it would expand to ${(total / 1024 / 1024).toFixed(0)} MB (limit ${MAX_DOCX_UNCOMPRESSED_BYTES / 1024 / 1024} MB; zip bomb?)`);
  }
  if (!hasDocument) fail('unreadable .docx: no word/document.xml in the archive (not a Word document)');
  return list;
}

/**
 * The declared sizes are the archive's own claim: a zip bomb can declare a few KB and inflate to GBs,
 * which the zip reader would only notice after inflating it all in memory. Each deflated entry is
 * inflated here as a stream, keeping nothing, and stopped as soon as it outgrows its declared size.
 */
async function checkInflatedSizes(buffer: Buffer, entries: readonly ZipEntry[], fail: Fail): Promise<void> {
  for (const entry of entries) {
    const at = entry.localOffset;
    if (at + 30 > buffer.length || buffer.readUInt32LE(at) !== 0x04034b50) fail('unreadable .docx: the zip directory is damaged');
    const start = at + 30 + buffer.readUInt16LE(at + 26) + buffer.readUInt16LE(at + 28);
    const data = buffer.subarray(start, start + entry.compressedSize);
    const grows = entry.method === 8 ? (await inflatedLength(data, entry.size + 1)) > entry.size : entry.method === 0 && data.length > entry.size;
    if (grows) fail(`refused .docx: ${entry.name} expands beyond the ${entry.size} bytes it declares (zip bomb?)`);
  }
}

/** Bytes a raw deflate stream inflates to, counting no further than `stopAt` (a damaged stream counts what it gave). */
function inflatedLength(data: Buffer, stopAt: number): Promise<number> {
  return new Promise((resolve) => {
    const inflate = createInflateRaw();
    let total = 0;
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total >= stopAt) {
        inflate.destroy();
        resolve(total);
      }
    });
    inflate.on('end', () => resolve(total));
    inflate.on('error', () => resolve(total));
    inflate.end(data);
  });
}

function checkExtractedSize(text: string, kind: string, fail: Fail): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_EXTRACTED_TEXT_BYTES) {
    fail(`refused ${kind}: extracted text is ${(bytes / 1024 / 1024).toFixed(1)} MB (limit ${MAX_EXTRACTED_TEXT_BYTES / 1024 / 1024} MB)`);
  }
}

async function extractDocx(buffer: Buffer, fail: Fail): Promise<{ body: string; format: LoadedDocument['format'] }> {
  await checkInflatedSizes(buffer, checkDocxArchive(buffer, fail), fail);
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
  checkExtractedSize(html, '.docx', fail);
  const { text, headings } = htmlToText(html);
  checkExtractedSize(text, '.docx', fail);
  const body = tidy(text);
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

// ---------------------------------------------------------------------------------------------
// .pdf

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

async function extractPdf(buffer: Buffer, fail: Fail): Promise<string> {
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
  checkExtractedSize(text, '.pdf', fail);
  const body = tidy(text.replace(/\t/gu, ' ')).replace(/\n{3,}/gu, '\n\n').trim();
  if (!/[\p{L}\p{N}]/u.test(body)) {
    return fail('the PDF has no extractable text (a scanned PDF needs OCR first, e.g. ocrmypdf, then load the result)');
  }
  return body;
}
