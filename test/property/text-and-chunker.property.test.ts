import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../src/knowledge/chunker.js';
import type { DocumentMeta, LoadedDocument } from '../../src/knowledge/types.js';
import { AbbreviationDictionary } from '../../src/text/abbreviations.js';
import { canonicalTone, fold, nfc } from '../../src/text/normalize.js';
import { analyzeQuery } from '../../src/text/query.js';
import { tokenize } from '../../src/text/tokenize.js';

const vietnameseChar = fc.constantFrom(...'aăâeêioôơuưyđAĂÂĐ bcdghklmnpqrstvx0123456789.,;:!?()/-\n àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ'.split(''));
const vietnameseText = fc.array(vietnameseChar, { maxLength: 400 }).map((chars) => chars.join(''));
const anyText = fc.oneof(vietnameseText, fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 200 }));
const dictionary = AbbreviationDictionary.parse('ncc\tngười có công\nhs\thồ sơ\nđịnh nghĩa\tgiải thích từ ngữ\nthương bing\tthương binh\treplace\n');

describe('text handling never breaks on any input', () => {
  it('normalises idempotently: nfc, fold and canonical tones', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(nfc(nfc(text))).toBe(nfc(text));
        expect(fold(fold(text))).toBe(fold(text));
        expect(fold(text)).not.toMatch(/[\u0300-\u036fđĐ]/);
        for (const word of text.toLowerCase().split(/\s+/)) expect(canonicalTone(canonicalTone(word))).toBe(canonicalTone(word));
      }),
      { numRuns: 300 },
    );
  });

  it('tokenises into lower-case NFC tokens whose folded form has no marks', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const t of tokenize(text)) {
          expect(t.accented).toBe(t.accented.normalize('NFC'));
          expect(t.accented).toBe(t.accented.toLowerCase());
          expect(t.folded).toBe(fold(t.folded));
          expect(t.accented.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('analyses any query into finite positive weights, marks or not', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const q of [text, fold(text)]) {
          const analysis = analyzeQuery(q, dictionary);
          for (const term of analysis.terms) {
            expect(Number.isFinite(term.weight) && term.weight > 0).toBe(true);
            expect(term.term).toMatch(/^[af]:\S/);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the chunker on hostile documents', () => {
  const meta = { id: 'x', title: 'Nghị định 999/2099/NĐ-CP', doc_type: 'nghi-dinh', doc_number: '999/2099/NĐ-CP', status: 'in_force', verified: true } as DocumentMeta;
  const legalLine = fc.oneof(
    fc.constantFrom('Chương I', 'CHƯƠNG II. QUY ĐỊNH CHUNG', 'Mục 1', 'Điều 1. Phạm vi', 'Điều 2a. Đối tượng', '1. Khoản một.', '2. Khoản hai;', 'a) Điểm a;', 'đ) Điểm đ.', '## Thành phần hồ sơ', '# Tiêu đề', '', 'Nơi nhận:'),
    vietnameseText,
  );
  const body = fc.array(legalLine, { maxLength: 60 }).map((lines) => lines.join('\n'));

  it('never throws, keeps every chunk within bounds, and always cites the document', () => {
    fc.assert(
      fc.property(body, fc.constantFrom<'markdown' | 'text'>('markdown', 'text'), (text, format) => {
        const doc: LoadedDocument = { meta, body: text, format, sourcePath: 'x.md' };
        const chunks = chunkDocument(doc, { maxChars: 300 });
        for (const chunk of chunks) {
          expect(chunk.citation.startsWith('Nghị định 999/2099/NĐ-CP')).toBe(true);
          expect(chunk.text.trim().length).toBeGreaterThan(0);
          // Only a single word longer than the limit may exceed it.
          if (chunk.text.length > 300) expect(chunk.text.trim()).not.toMatch(/\s/);
        }
        expect(new Set(chunks.map((c) => c.id)).size).toBe(chunks.length);
      }),
      { numRuns: 300 },
    );
  });
});
