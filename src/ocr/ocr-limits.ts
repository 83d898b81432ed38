/** How much one scan may cost (from the OCR_* settings of src/config.ts). */
export interface OcrLimits {
  /** Bytes of one scan file. */
  maxBytes: number;
  /** Pages of one PDF scan. */
  maxPages: number;
  /** Milliseconds one page may take to render, and again to read. */
  pageTimeoutMs: number;
  /** Address space of each child process, MiB. */
  memoryMb: number;
  /** Resolution PDF pages are rendered at. */
  dpi: number;
  /** Pixels of one page image; a PDF page is rendered at a lower resolution to stay under it, an image over it is refused. */
  maxPagePixels: number;
}

export const DEFAULT_OCR_LIMITS: OcrLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxPages: 30,
  pageTimeoutMs: 60_000,
  memoryMb: 1024,
  dpi: 300,
  maxPagePixels: 40_000_000,
};
