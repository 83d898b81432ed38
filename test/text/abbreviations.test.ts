import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { abbreviationKey, AbbreviationDictionary } from '../../src/text/abbreviations.js';
import { tokenize } from '../../src/text/tokenize.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REAL_PATH = path.join(ROOT, 'knowledge/abbreviations.tsv');

const expansionsOf = (dict: AbbreviationDictionary, text: string): string[] | undefined =>
  dict.match(tokenize(text), 0)?.expansions.map((e) => e.map((t) => t.accented).join(' '));

describe('AbbreviationDictionary.parse', () => {
  const tsv = [
    '# comment line',
    '',
    'ncc\tngười có công',
    '   ',
    '  # indented comment',
    'hs\thồ sơ\r', // CRLF file
    'NĐ\t Nghị Định ', // keys and expansions are normalised: lower case, trimmed
    'tt\tthông tư\t', // a trailing empty column is tolerated
  ].join('\n');

  it('reads entries and skips comments and blank lines', () => {
    const dict = AbbreviationDictionary.parse(tsv);
    expect(dict.size).toBe(4);
    expect(dict.expandText('ncc')).toBe('người có công');
    expect(dict.expandText('hs')).toBe('hồ sơ');
    expect(dict.expandText('nđ')).toBe('nghị định');
    expect(dict.expandText('tt')).toBe('thông tư');
    expect(expansionsOf(dict, '#')).toBeUndefined();
    expect(expansionsOf(dict, 'comment')).toBeUndefined();
  });

  it('an empty text gives an empty dictionary', () => {
    expect(AbbreviationDictionary.parse('').size).toBe(0);
    expect(AbbreviationDictionary.parse('# only\n\n# comments\n').size).toBe(0);
    expect(AbbreviationDictionary.empty().size).toBe(0);
  });

  it('throws an Error naming the source and line number of a line without a tab', () => {
    const bad = '# header\n\nncc\tngười có công\nhs hồ sơ\n';
    expect(() => AbbreviationDictionary.parse(bad, 'viet-tat.tsv')).toThrowError(
      'viet-tat.tsv:4: expected "abbreviation<TAB>expansion[<TAB>replace|add]", got "hs hồ sơ"',
    );
  });

  it('uses "abbreviations" as the default source name', () => {
    expect(() => AbbreviationDictionary.parse('ncc\tngười có công\nxyz')).toThrowError(/^abbreviations:2: /);
  });

  it('rejects an empty side and a third non-empty column', () => {
    expect(() => AbbreviationDictionary.parse('ncc\t\n', 'a.tsv')).toThrowError(/^a\.tsv:1: /);
    expect(() => AbbreviationDictionary.parse('\tngười có công\n', 'a.tsv')).toThrowError(/^a\.tsv:1: /);
    expect(() => AbbreviationDictionary.parse('a\tb\n\nncc\tngười\tcó công\n', 'a.tsv')).toThrowError(/^a\.tsv:3: /);
  });

  it('throws an instance of Error', () => {
    let caught: unknown;
    try {
      AbbreviationDictionary.parse('bad');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
  });

  it('keeps every distinct expansion of a repeated abbreviation, once each', () => {
    const dict = AbbreviationDictionary.parse('tt\tthông tư\ntt\ttrung tâm\ntt\tthông tư\n');
    expect(dict.size).toBe(1);
    expect(expansionsOf(dict, 'tt')).toEqual(['thông tư', 'trung tâm']);
    expect(dict.expandText('tt')).toBe('thông tư');
  });
});

describe('AbbreviationDictionary.match and expandText', () => {
  const dict = AbbreviationDictionary.parse(
    ['nđ\tnghị định', 'định\tquyết định', 'định nghĩa\tgiải thích từ ngữ', 'ubnd\tủy ban nhân dân'].join('\n'),
  );

  it('matches keys on the folded form: nđ, nd, NĐ and Nd all hit', () => {
    for (const typed of ['nđ', 'nd', 'NĐ', 'Nd']) expect(expansionsOf(dict, typed), typed).toEqual(['nghị định']);
  });

  it('prefers the longest key', () => {
    const tokens = tokenize('định nghĩa là gì');
    expect(dict.match(tokens, 0)?.length).toBe(2);
    expect(expansionsOf(dict, 'định nghĩa')).toEqual(['giải thích từ ngữ']);
    expect(dict.match(tokenize('định mức'), 0)?.length).toBe(1);
  });

  it('matches at a given position and returns undefined when nothing matches', () => {
    const tokens = tokenize('theo nđ 131');
    expect(dict.match(tokens, 0)).toBeUndefined();
    expect(dict.match(tokens, 1)?.length).toBe(1);
    expect(dict.match(tokens, 2)).toBeUndefined();
    expect(dict.match(tokens, 3)).toBeUndefined();
  });

  it('expandText replaces every hit by its first expansion and keeps other tokens', () => {
    expect(dict.expandText('Chủ tịch UBND xã, theo NĐ 131/2021')).toBe(
      'chủ tịch ủy ban nhân dân xã theo nghị định 131 2021',
    );
    expect(dict.expandText('định nghĩa ubnd')).toBe('giải thích từ ngữ ủy ban nhân dân');
  });

  it('ignores an entry whose sides have no letters or digits', () => {
    const d = AbbreviationDictionary.empty();
    d.add('--', 'gì đó');
    d.add('x', '...');
    expect(d.size).toBe(0);
  });
});

describe('abbreviationKey', () => {
  it('lower-cases, folds and trims', () => {
    expect(abbreviationKey(' NĐ ')).toBe('nd');
    expect(abbreviationKey('CĐHH')).toBe('cdhh');
  });
});

describe('knowledge/abbreviations.tsv', () => {
  const dict = AbbreviationDictionary.load(REAL_PATH);

  const required: Array<[string, string]> = [
    ['ncc', 'người có công'],
    ['ls', 'liệt sĩ'],
    ['tb', 'thương binh'],
    ['bb', 'bệnh binh'],
    ['bmvnah', 'bà mẹ việt nam anh hùng'],
    ['cđhh', 'chất độc hóa học'],
    ['cdhh', 'chất độc hóa học'],
    ['tnxp', 'thanh niên xung phong'],
    ['hs', 'hồ sơ'],
    ['tthc', 'thủ tục hành chính'],
    ['ubnd', 'ủy ban nhân dân'],
    ['bhyt', 'bảo hiểm y tế'],
    ['kl', 'kết luận'],
    ['nđ', 'nghị định'],
    ['nd', 'nghị định'],
    ['tt', 'thông tư'],
  ];

  it('parses', () => {
    expect(dict.size).toBeGreaterThanOrEqual(required.length);
  });

  it.each(required)('expandText(%s) === %s', (abbreviation, expansion) => {
    expect(dict.expandText(abbreviation)).toBe(expansion);
    expect(dict.expandText(abbreviation.toUpperCase())).toBe(expansion);
  });

  const entries = readFileSync(REAL_PATH, 'utf8')
    .split(/\r?\n/)
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim() && !line.trim().startsWith('#'))
    .map(({ line, n }) => {
      const [abbr, expansion] = line.split('\t');
      return { abbr: abbr!.trim(), expansion: expansion!.trim(), n };
    });

  it('has one meaning per abbreviation (the file asks for one line per abbreviation)', () => {
    const ambiguous = entries.filter(({ abbr }) => (expansionsOf(dict, abbr)?.length ?? 0) !== 1);
    expect(ambiguous).toEqual([]);
  });

  it('writes every line in lower case NFC, as the file header requires', () => {
    const offending = entries.filter(
      ({ abbr, expansion }) =>
        abbr !== abbr.toLowerCase() ||
        expansion !== expansion.toLowerCase() ||
        abbr.normalize('NFC') !== abbr ||
        expansion.normalize('NFC') !== expansion,
    );
    expect(offending).toEqual([]);
  });

  it('load names the path when the file is missing', () => {
    const missing = path.join(ROOT, 'knowledge/does-not-exist.tsv');
    expect(() => AbbreviationDictionary.load(missing)).toThrowError(/does-not-exist\.tsv/);
  });
});

describe('the optional third column', () => {
  it('replaces a several-word misspelling marked "replace", adds a synonym marked "add", and refuses anything else', () => {
    const dict = AbbreviationDictionary.parse('thương bing\tthương binh\treplace\nhs\thồ sơ\tadd\n');
    expect(dict.expandText('thuong bing 81%')).toBe('thương binh 81');
    const tokens = tokenize('thương bing');
    expect(dict.match(tokens, 0)).toMatchObject({ kind: 'abbreviation', length: 2 });
    expect(dict.match(tokenize('hs'), 0)).toMatchObject({ kind: 'synonym' });
    expect(() => AbbreviationDictionary.parse('x\ty\tmaybe\n', 'f.tsv')).toThrow('f.tsv:1:');
  });
});
