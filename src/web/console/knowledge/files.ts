import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import matter from 'gray-matter';
import { parseDocument, stringify } from 'yaml';
import { docxProblem, pdfProblem } from '../../../knowledge/file-signature.js';
import { slugify } from '../../../knowledge/legal-structure.js';
import { IMAGE_EXTENSIONS, isImageExtension, scanFormatOf } from '../../../ocr/scan-format.js';

/**
 * Extensions the console accepts for upload (a .txt is plain text, with its metadata in a sidecar like a
 * .docx; images and PDFs without a text layer are read by OCR and wait for review).
 */
export const UPLOAD_EXTENSIONS = ['.md', '.txt', '.docx', '.pdf', ...IMAGE_EXTENSIONS] as const;
/** What the upload form and its refusal say the console accepts. */
export const UPLOAD_TYPES_TEXT = '.md, .txt, .docx, .pdf hoặc ảnh quét .png, .jpg, .tif';
export type UploadExtension = (typeof UPLOAD_EXTENSIONS)[number];
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

/** Uploaded files go to `<knowledgeDir>/uploads/`; they wait for their metadata in `uploads/_pending/` (skipped by ingest). */
export const UPLOADS_FOLDER = 'uploads';
export const PENDING_FOLDER = '_pending';

/**
 * A safe file name for an upload: only the last path segment of what the browser sent (both `/` and `\`
 * separate), folded to ASCII kebab-case, at most 80 characters, with its lower-case extension. Nothing
 * like `..`, a slash, a leading dot or underscore, or a control character survives.
 *
 * @example safeUploadName('..\\..\\Thông tư 05/Hồ sơ.DOCX') // 'ho-so.docx'
 */
export function safeUploadName(original: string): { name: string; ext: UploadExtension } | undefined {
  const last = original.normalize('NFC').split(/[/\\]/).pop() ?? '';
  const ext = path.extname(last).toLowerCase();
  if (!(UPLOAD_EXTENSIONS as readonly string[]).includes(ext)) return undefined;
  const stem = slugify(last.slice(0, last.length - ext.length)).slice(0, 80).replace(/-+$/, '') || 'tai-lieu';
  return { name: `${stem}${ext}`, ext: ext as UploadExtension };
}

/** Why the bytes do not look like a file of this type (Vietnamese), or undefined. */
export function contentProblem(ext: UploadExtension, bytes: Buffer): string | undefined {
  if (bytes.length === 0) return 'Tệp rỗng.';
  if (ext === '.pdf') return pdfProblem(bytes);
  if (isImageExtension(ext)) {
    const format = scanFormatOf(bytes);
    return format && format !== 'pdf' ? undefined : 'Tệp không phải ảnh PNG, JPEG hoặc TIFF.';
  }
  if (ext === '.docx') return docxProblem(bytes);
  const kind = ext === '.txt' ? 'Tệp văn bản .txt' : 'Tệp Markdown';
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.includes('\u0000')) return `${kind} chứa ký tự NUL (có thể là UTF-16); hãy lưu lại dưới dạng UTF-8.`;
  } catch {
    return `${kind} không phải văn bản UTF-8; hãy lưu lại dưới dạng UTF-8.`;
  }
  return undefined;
}

/** `relative` resolved inside `root`, or undefined when it would leave it. */
export function resolveInside(root: string, relative: string): string | undefined {
  const base = path.resolve(root);
  const target = path.resolve(base, relative);
  return target.startsWith(base + path.sep) ? target : undefined;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** A free name in `dir`: `name`, else `stem-2.ext`, `stem-3.ext`… (sidecars of that name must be free too). */
export async function freeName(dir: string, name: string): Promise<string> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; n < 1000; n++) {
    const candidate = n === 1 ? name : `${stem}-${n}${ext}`;
    const candidateStem = candidate.slice(0, candidate.length - ext.length);
    if (!(await exists(path.join(dir, candidate))) && !(await exists(path.join(dir, `${candidateStem}.meta.yaml`)))) return candidate;
  }
  throw new Error(`no free file name for ${name}`);
}

/** Writes a file atomically (temporary file beside it, then rename). */
export async function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(tmp, data);
  try {
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Sidecar file names the loader looks for, in its order. */
export function sidecarCandidates(file: string): string[] {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const stem = base.slice(0, base.length - path.extname(base).length);
  return [stem, base].flatMap((n) => [`${n}.meta.yaml`, `${n}.meta.yml`, `${n}.meta.json`]).map((n) => path.join(dir, n));
}

export async function existingSidecar(file: string): Promise<string | undefined> {
  for (const candidate of sidecarCandidates(file)) if (await exists(candidate)) return candidate;
  return undefined;
}

export function sidecarPath(file: string): string {
  const base = path.basename(file);
  return path.join(path.dirname(file), `${base.slice(0, base.length - path.extname(base).length)}.meta.yaml`);
}

/** Metadata as YAML (keys in the given order, undefined values left out). */
export function metaToYaml(meta: Record<string, unknown>): string {
  const clean = Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined && v !== ''));
  return stringify(clean, { lineWidth: 0 });
}

/** A Markdown file's front matter text and body (the body keeps its bytes). Undefined without front matter. */
export function splitFrontMatter(text: string): { yaml: string; body: string } | undefined {
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n?---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return undefined;
  return { yaml: m[1] ?? '', body: text.slice(m[0].length) };
}

export function joinFrontMatter(yaml: string, body: string): string {
  return `---\n${yaml.replace(/\s+$/, '')}\n---\n${body.startsWith('\n') ? body : `\n${body}`}`;
}

/**
 * Sets keys of a YAML mapping while keeping the rest of the text (comments, order, date strings) as it
 * was; `undefined` removes a key.
 */
export function editYaml(yamlText: string, changes: Record<string, unknown>): string {
  const doc = parseDocument(yamlText);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) doc.delete(key);
    else doc.set(key, value);
  }
  return doc.toString({ lineWidth: 0 });
}

/** Changes metadata keys of a knowledge file: its front matter (.md) or its sidecar (.docx, .pdf, .txt). */
export async function editMetadata(file: string, changes: Record<string, unknown>): Promise<void> {
  if (/\.(md|markdown)$/i.test(file)) {
    const text = await readFile(file, 'utf8');
    const parts = splitFrontMatter(text);
    if (!parts) throw new Error('the Markdown file has no front matter');
    await writeAtomic(file, joinFrontMatter(editYaml(parts.yaml, changes), parts.body));
    return;
  }
  const sidecar = await existingSidecar(file);
  if (sidecar?.endsWith('.json')) {
    const data = JSON.parse(await readFile(sidecar, 'utf8')) as Record<string, unknown>;
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) delete data[k];
      else data[k] = v;
    }
    await writeAtomic(sidecar, `${JSON.stringify(data, null, 2)}\n`);
    return;
  }
  const target = sidecar ?? sidecarPath(file);
  const text = sidecar ? await readFile(sidecar, 'utf8') : '';
  await writeAtomic(target, editYaml(text, changes));
}

/** The first Markdown heading or line of text, as a title suggestion. */
export function firstHeading(markdown: string): string | undefined {
  const body = matter.test(markdown) ? (splitFrontMatter(markdown)?.body ?? markdown) : markdown;
  for (const line of body.split('\n')) {
    const text = line.replace(/^#{1,6}\s+/, '').trim();
    if (text.length >= 3) return text.slice(0, 200);
  }
  return undefined;
}
