/**
 * Reads knowledge files (.md, .txt, .docx, .pdf) into {@link LoadedDocument}s: UTF-8 checked, NFC, LF line
 * ends, metadata validated with {@link documentMetaSchema}. Every failure is a {@link DocumentLoadError}
 * naming the file and the reason.
 */
import { vietnameseErrorMap } from '../config-messages.js';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import matter from 'gray-matter';
import type { ZodError } from 'zod';
import { DEFAULT_MAX_DOCX_XML_BYTES, DEFAULT_MAX_DOCX_XML_TAGS, extractDocx } from './docx-text.js';
import { checkDataSize, hasForeignLanguage, MAX_FRONT_MATTER_BYTES, SAFE_MATTER_OPTIONS, YamlRefusal } from './front-matter.js';
import { isDecorativeLine, parseLegalHeader, slugify } from './legal-structure.js';
import { DocumentLoadError, megabytes, tidyText, type Fail, type NeedsOcr, type Refuse } from './load-error.js';
import { IMAGE_EXTENSIONS, isImageExtension } from '../ocr/scan-format.js';
import { DEFAULT_MAX_PDF_INFLATED_BYTES } from './pdf-streams.js';
import { extractPdf } from './pdf-text.js';
import { documentMetaSchema, type DocumentMeta, type LoadedDocument } from './types.js';

export { DocumentLoadError, MAX_EXTRACTED_TEXT_BYTES } from './load-error.js';
export { MAX_DOCX_UNCOMPRESSED_BYTES } from './docx-text.js';
export { MAX_FRONT_MATTER_BYTES } from './front-matter.js';

/** Files larger than this are refused before they are read. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Limits of one load that depend on the memory it may use (the parse thread sets them from its cap). */
export interface LoadLimits {
  /** The XML a .docx may declare, uncompressed. */
  maxDocxXmlBytes: number;
  /** The XML tags a .docx may hold. */
  maxDocxXmlTags: number;
  /** What a PDF's Flate streams may inflate to, in all. */
  maxPdfInflatedBytes: number;
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = {
  maxDocxXmlBytes: DEFAULT_MAX_DOCX_XML_BYTES,
  maxDocxXmlTags: DEFAULT_MAX_DOCX_XML_TAGS,
  maxPdfInflatedBytes: DEFAULT_MAX_PDF_INFLATED_BYTES,
};

/** Extensions {@link loadDocumentFile} reads (images, and PDFs without a text layer, through OCR). */
export const SUPPORTED_EXTENSIONS = ['.md', '.markdown', '.txt', '.docx', '.pdf', ...IMAGE_EXTENSIONS] as const;

/** What a load may be given besides the file. */
export interface LoadOptions {
  /**
   * The text OCR read from this file (a scan): it becomes the body, the metadata come from the sidecar and
   * the text's own header, and the document is marked `ocr: true`.
   */
  scanText?: string;
}

const SIDECAR = /\.meta\.(ya?ml|json)$/iu;

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
 * Loads one knowledge file, in the calling thread: the server and the commands load through the parse
 * thread ({@link DocumentParser}), which calls this under a time and a memory limit. `.md`/`.markdown`
 * take their metadata from YAML front matter; `.txt`, `.docx` and `.pdf` from a sidecar
 * (`<name>.meta.yaml|yml|json` or `<name>.<ext>.meta.…`) whose keys override what the document's own
 * header gives (Số, date line, type word and title), with `id` defaulting to a slug of the file name.
 *
 * @throws {DocumentLoadError} for an unsupported extension, text that is not UTF-8, invalid metadata, an
 *   unreadable .docx/.pdf, or a PDF without extractable text; with `refused` for a file over 20 MB, a
 *   zip or stream bomb, XML or extracted text over the limits, front matter over 64 KB or with aliases.
 * @example
 * const doc = await loadDocumentFile('/srv/knowledge/phap-ly/nd-131-2021.md', '/srv/knowledge')
 * doc.meta.id // 'nd-131-2021'; doc.format // 'markdown'; doc.sourcePath // 'phap-ly/nd-131-2021.md'
 */
export async function loadDocumentFile(
  absPath: string,
  rootDir: string,
  limits: LoadLimits = DEFAULT_LOAD_LIMITS,
  options: LoadOptions = {},
): Promise<LoadedDocument> {
  const sourcePath = path.relative(path.resolve(rootDir), path.resolve(absPath)).split(path.sep).join('/');
  const fail = (reason: string, cause?: unknown): never => {
    throw new DocumentLoadError(sourcePath, reason, cause === undefined ? undefined : { cause });
  };
  const refuse = (reason: string): never => {
    throw new DocumentLoadError(sourcePath, reason, { refused: true });
  };
  const scan: NeedsOcr = (reason) => {
    throw new DocumentLoadError(sourcePath, reason, { needsOcr: true });
  };
  const ext = path.extname(absPath).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ext)) {
    fail(`loại tệp "${ext || '(không có đuôi)'}" không được hỗ trợ (chỉ nhận: ${SUPPORTED_EXTENSIONS.join(', ')})`);
  }

  const buffer = await readLimited(absPath, fail, refuse);

  if (ext === '.md' || ext === '.markdown') {
    const text = decodeUtf8(buffer, fail);
    return loadMarkdown(text, sourcePath, fail, refuse);
  }

  let body: string;
  let format: LoadedDocument['format'] = 'text';
  if (options.scanText !== undefined && (ext === '.pdf' || isImageExtension(ext))) {
    body = tidyText(options.scanText);
    const meta = await metaForPlainDocument(absPath, body, fail, refuse);
    return { meta: { ...meta, ocr: true }, body, format, sourcePath };
  }
  if (isImageExtension(ext)) {
    return scan('tệp ảnh: cần nhận dạng chữ (OCR)');
  } else if (ext === '.txt') {
    body = tidyText(decodeUtf8(buffer, fail));
  } else if (ext === '.docx') {
    ({ body, format } = await extractDocx(buffer, { maxXmlBytes: limits.maxDocxXmlBytes, maxXmlTags: limits.maxDocxXmlTags, fail, refuse }));
  } else {
    body = await extractPdf(buffer, { maxInflatedBytes: limits.maxPdfInflatedBytes, fail, refuse, scan });
  }
  const meta = await metaForPlainDocument(absPath, body, fail, refuse);
  return { meta, body, format, sourcePath };
}

async function readLimited(absPath: string, fail: Fail, refuse: Refuse): Promise<Buffer> {
  try {
    const info = await stat(absPath);
    if (!info.isFile()) return fail('không phải một tệp thông thường');
    if (info.size > MAX_FILE_BYTES) {
      return refuse(`tệp quá lớn (${megabytes(info.size)}; giới hạn ${megabytes(MAX_FILE_BYTES)})`);
    }
    return await readFile(absPath);
  } catch (error) {
    if (error instanceof DocumentLoadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    return fail(`không đọc được tệp (${code ?? (error as Error).message})`, error);
  }
}

/**
 * Decodes UTF-8 strictly: a UTF-8 BOM is dropped; a UTF-16 BOM, invalid bytes (Windows-1258, Latin-1, …)
 * or NUL characters (UTF-16 without BOM) are reported.
 */
function decodeUtf8(buffer: Buffer, fail: Fail): string {
  if ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff)) {
    return fail('không phải văn bản UTF-8: tệp mã hóa UTF-16 (bắt đầu bằng dấu BOM UTF-16); hãy lưu lại dưới dạng UTF-8');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer); // also strips a UTF-8 BOM
  } catch (error) {
    const lenient = new TextDecoder('utf-8').decode(buffer);
    const at = lenient.indexOf('\uFFFD');
    const line = at < 0 ? 1 : lenient.slice(0, at).split('\n').length;
    return fail(`không phải văn bản UTF-8 (byte sai đầu tiên ở dòng ${line}); hãy lưu lại dưới dạng UTF-8 (không hỗ trợ Windows-1258, TCVN3, UTF-16)`, error);
  }
  if (text.includes('\u0000')) {
    return fail('không phải văn bản UTF-8: có ký tự NUL (có thể là UTF-16 không có BOM); hãy lưu lại dưới dạng UTF-8');
  }
  return tidyText(text);
}

function formatZodError(error: ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(toàn bộ)'}: ${issue.message}`).join('; ');
}

function validateMeta(data: Record<string, unknown>, where: string, fail: Fail): DocumentMeta {
  const parsed = documentMetaSchema.safeParse(data, { errorMap: vietnameseErrorMap });
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

/** Parses a YAML mapping with the front matter's checked YAML engine (the same rules as front matter). */
function parseYamlMapping(yamlText: string): Record<string, unknown> {
  const inner = yamlText.replace(/^---[ \t]*\n/u, '').replace(/\n(---|\.\.\.)[ \t]*\n?$/u, '\n');
  const parsed = matter(`---\n${inner}\n---\n`, SAFE_MATTER_OPTIONS);
  return restoreImpossibleDates(parsed.data, inner);
}

function yamlReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? message).trim();
}

/** How a refusal names a Markdown file's YAML block. */
const FRONT_MATTER = 'phần thông tin đầu tệp (front matter)';

function loadMarkdown(text: string, sourcePath: string, fail: Fail, refuse: Refuse): LoadedDocument {
  if (!matter.test(text)) return fail(`${FRONT_MATTER}: chưa có (tài liệu Markdown phải bắt đầu bằng một khối YAML mở bằng dòng "---")`);
  // gray-matter evaluates front matter opened with "---js" (or "---javascript") as JavaScript.
  if (hasForeignLanguage(text)) return refuse(`${FRONT_MATTER} chỉ được viết bằng YAML: dòng đầu tiên phải đúng là “---”`);
  if (!/^---[^\n]*\n(?:[\s\S]*?\n)?---[ \t]*(?:\n|$)/u.test(text)) {
    return fail(`${FRONT_MATTER}: chưa đóng (thêm một dòng "---" sau khối YAML)`);
  }
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(text, SAFE_MATTER_OPTIONS);
  } catch (error) {
    if (error instanceof YamlRefusal) return refuse(`${FRONT_MATTER} ${error.reason}`);
    return fail(`${FRONT_MATTER}: YAML không hợp lệ: ${yamlReason(error)}`, error);
  }
  if (!isPlainObject(parsed.data)) return fail(`${FRONT_MATTER}: cần một bảng "khóa: giá trị" YAML`);
  const meta = validateMeta(restoreImpossibleDates(parsed.data, parsed.matter), FRONT_MATTER, fail);
  return { meta, body: parsed.content.replace(/^\n+/u, ''), format: 'markdown', sourcePath };
}

// ---------------------------------------------------------------------------------------------
// Metadata of .txt, .docx and .pdf

async function readSidecar(absPath: string, fail: Fail, refuse: Refuse): Promise<{ name: string; data: Record<string, unknown> } | null> {
  const dir = path.dirname(absPath);
  const base = path.basename(absPath);
  const stem = base.slice(0, base.length - path.extname(base).length);
  for (const name of [stem, base].flatMap((n) => [`${n}.meta.yaml`, `${n}.meta.yml`, `${n}.meta.json`])) {
    let raw: Buffer;
    try {
      raw = await readFile(path.join(dir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return fail(`tệp thông tin kèm ${name}: không đọc được (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, error);
    }
    if (raw.length > MAX_FRONT_MATTER_BYTES) {
      return refuse(`tệp thông tin đi kèm ${name} dài ${Math.ceil(raw.length / 1024)} KB, vượt giới hạn ${MAX_FRONT_MATTER_BYTES / 1024} KB`);
    }
    const text = decodeUtf8(raw, (reason, cause) => fail(`tệp thông tin kèm ${name}: ${reason}`, cause));
    let data: unknown;
    try {
      if (name.endsWith('.json')) {
        data = JSON.parse(text);
        checkDataSize(data, raw.length);
      } else {
        data = parseYamlMapping(text);
      }
    } catch (error) {
      if (error instanceof YamlRefusal) return refuse(`tệp thông tin đi kèm ${name} ${error.reason}`);
      return fail(`tệp thông tin kèm ${name}: ${name.endsWith('.json') ? 'JSON' : 'YAML'} không hợp lệ: ${yamlReason(error)}`, error);
    }
    if (!isPlainObject(data)) return fail(`tệp thông tin kèm ${name}: cần một bảng "khóa: giá trị"`);
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

async function metaForPlainDocument(absPath: string, body: string, fail: Fail, refuse: Refuse): Promise<DocumentMeta> {
  const sidecar = await readSidecar(absPath, fail, refuse);
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
    fail(`ngày ${header.invalidDate} không phải ngày hợp lệ (ở dòng ngày tháng trong phần đầu văn bản)`);
  }
  if (!sidecar) return validateMeta(derived, 'metadata derived from the document header', fail);
  return validateMeta({ ...derived, ...sidecar.data }, `tệp thông tin kèm ${sidecar.name}`, fail);
}
