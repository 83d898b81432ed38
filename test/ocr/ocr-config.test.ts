import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DEFAULT_OCR_LIMITS } from '../../src/ocr/ocr-limits.js';

describe('OCR settings', () => {
  it('default to the limits the reader was measured with', () => {
    expect(loadConfig({}).ocr).toEqual(DEFAULT_OCR_LIMITS);
  });

  it('are read from OCR_MAX_MB, OCR_MAX_PAGES, OCR_PAGE_TIMEOUT_SECONDS, OCR_MEMORY_MB and OCR_DPI', () => {
    const { ocr } = loadConfig({ OCR_MAX_MB: '5', OCR_MAX_PAGES: '3', OCR_PAGE_TIMEOUT_SECONDS: '2.5', OCR_MEMORY_MB: '512', OCR_DPI: '200' });
    expect(ocr).toEqual({ ...DEFAULT_OCR_LIMITS, maxBytes: 5 * 1024 * 1024, maxPages: 3, pageTimeoutMs: 2500, memoryMb: 512, dpi: 200 });
  });

  it('stop the program with a Vietnamese message naming each bad variable', () => {
    const error = (() => {
      try {
        loadConfig({ OCR_DPI: 'abc', OCR_MAX_PAGES: '0' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('OCR_MAX_PAGES: phải từ 1 trở lên (đang là “0”)');
    expect((error as Error).message).toContain('OCR_DPI: phải là một số (đang là “abc”)');
  });
});
