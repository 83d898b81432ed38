/**
 * The error every knowledge loader throws, and the small helpers the loaders share to raise it.
 */

/**
 * A knowledge file that cannot be loaded.
 *
 * `refused` marks a file turned away because reading it would cost too much (too large, a zip or
 * stream bomb, YAML aliases, over the parse thread's time or memory limit): no metadata can fix it,
 * and whoever holds it (the console's upload folders) should remove it. Its reason is in Vietnamese,
 * for the admin who uploaded it; the reasons of other problems are in English, as they always were.
 *
 * @example
 * try { await loadDocumentFile(abs, root) } catch (e) {
 *   if (e instanceof DocumentLoadError) console.error(`${e.file}: ${e.reason}`) // "phap-ly/x.md: front matter: id: Required"
 * }
 */
export class DocumentLoadError extends Error {
  /** Path relative to the knowledge folder, with forward slashes. */
  readonly file: string;
  /** What is wrong. */
  readonly reason: string;
  /** The file is refused as too costly or hostile to read (see the class comment). */
  readonly refused: boolean;
  /** The file is a scan (an image, or a PDF without a text layer): its text must be read by OCR first. */
  readonly needsOcr: boolean;

  constructor(file: string, reason: string, options?: { cause?: unknown; refused?: boolean; needsOcr?: boolean }) {
    super(`${file}: ${reason}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DocumentLoadError';
    this.file = file;
    this.reason = reason;
    this.refused = options?.refused ?? false;
    this.needsOcr = options?.needsOcr ?? false;
  }
}

/** Throws a {@link DocumentLoadError} for the file being loaded. */
export type Fail = (reason: string, cause?: unknown) => never;

/** Throws a {@link DocumentLoadError} with `needsOcr` for the file being loaded (a scan). */
export type NeedsOcr = (reason: string) => never;

/** Throws a refusal ({@link DocumentLoadError} with `refused`) for the file being loaded. */
export type Refuse = (reason: string) => never;

const MiB = 1024 * 1024;

/** Text extracted from a .docx or .pdf larger than this (UTF-8 bytes) is refused. */
export const MAX_EXTRACTED_TEXT_BYTES = 5 * MiB;

/** A byte count in MB, the Vietnamese way ("40,2 MB"; whole numbers without decimals). */
export function megabytes(bytes: number): string {
  const value = bytes / MiB;
  return `${value.toLocaleString('vi-VN', { maximumFractionDigits: value >= 10 || Number.isInteger(value) ? 0 : 1 })} MB`;
}

/** Unicode NFC, LF line ends, no form feeds. */
export function tidyText(text: string): string {
  return text.replace(/\r\n?/gu, '\n').replace(/\f/gu, '\n').normalize('NFC');
}

/** Refuses text extracted from a `kind` file (".docx", ".pdf") larger than {@link MAX_EXTRACTED_TEXT_BYTES}. */
export function checkExtractedSize(text: string, kind: string, refuse: Refuse): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_EXTRACTED_TEXT_BYTES) {
    refuse(`văn bản trích từ tệp ${kind} dài ${megabytes(bytes)}, vượt giới hạn ${megabytes(MAX_EXTRACTED_TEXT_BYTES)}; hãy tách tài liệu thành nhiều tệp nhỏ hơn`);
  }
}
