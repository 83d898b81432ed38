/**
 * Reads the text of a scanned page: a PDF without a text layer or a photo. The knowledge upload and the chat
 * channels depend on this port only; the Tesseract implementation lives beside it.
 */
export interface ScanInput {
  readonly bytes: Uint8Array;
  readonly mimeType: string;
  readonly fileName?: string;
}

export interface ScanProgress {
  readonly pagesDone: number;
  readonly pagesTotal: number;
}

export interface ScanReadOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ScanProgress) => void;
}

export interface ScanText {
  /** NFC text of every page, pages separated by a form feed. */
  readonly text: string;
  readonly pages: number;
  /** Mean word confidence 0–100 as the OCR engine reports it, or null when it gives none. */
  readonly meanConfidence: number | null;
  /** Lower-case words the engine was unsure of: the only ones a dictionary may correct. */
  readonly uncertainWords?: readonly string[];
}

export interface ScanReader {
  read(input: ScanInput, options?: ScanReadOptions): Promise<ScanText>;
}

/** A scan the reader refuses (too large, too many pages, corrupt, timed out): `message` is Vietnamese, for the user. */
export class ScanRejected extends Error {
  override readonly name = 'ScanRejected';
  constructor(
    message: string,
    readonly reason: 'too_large' | 'too_many_pages' | 'unreadable' | 'timeout' | 'unsupported',
  ) {
    super(message);
  }
}
