import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UNVERIFIED_CAUTION, validateKnowledgeFolder } from '../../src/knowledge/validate.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { RETRIEVAL_SETTINGS } from '../../src/retrieval/settings.js';
import { AbbreviationDictionary } from '../../src/text/abbreviations.js';
import { fold } from '../../src/text/normalize.js';

const KNOWLEDGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../knowledge');
const { documents: docs, problems } = await validateKnowledgeFolder(KNOWLEDGE, {
  chunkMaxChars: RETRIEVAL_SETTINGS.chunkMaxChars,
});

describe('the bundled knowledge folder', () => {
  it('has the documents the product needs', () => {
    const ids = docs.map((d) => d.meta.id);
    expect(ids).toEqual(expect.arrayContaining(['kl-195-kl-tw', 'kl-192-kl-tw', 'nd-131-2021', 'pl-02-2020', 'tu-dien-viet-tat']));
    expect(docs.filter((d) => d.meta.doc_type === 'thu-tuc').length).toBeGreaterThanOrEqual(26);
  });

  it('passes the folder check: front matter, dates, unique ids, NFC, citations', () => {
    expect(problems).toEqual([]);
  });

  it('records source, review date, topic, type and verification for every document', () => {
    for (const doc of docs) {
      const where = doc.sourcePath;
      expect(doc.meta.source_url?.length, `${where}: source_url`).toBeGreaterThan(0);
      expect(doc.meta.reviewed, `${where}: reviewed`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(doc.meta.topic?.length, `${where}: topic`).toBeGreaterThan(0);
      expect(doc.meta.doc_type, `${where}: doc_type`).toBeTruthy();
      expect(typeof doc.meta.verified, `${where}: verified`).toBe('boolean');
      if (doc.meta.status === 'superseded') expect(doc.meta.superseded_by, `${where}: superseded_by`).toBeTruthy();
    }
  });

  it('has unique ids', () => {
    const ids = docs.map((d) => d.meta.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('marks every document that carries the unverified caution as not verified, except where the caution is about another document', () => {
    const cautionAboutOthers = new Set(['kl-195-kl-tw', 'nd-131-2021', 'nd-75-2021']);
    for (const doc of docs) {
      if (doc.body.includes(UNVERIFIED_CAUTION) && !cautionAboutOthers.has(doc.meta.id)) {
        expect(doc.meta.verified, doc.sourcePath).toBe(false);
      }
    }
  });

  it('keeps the abbreviation dictionary consistent with the glossary document', async () => {
    const dictionary = AbbreviationDictionary.load(path.join(KNOWLEDGE, 'abbreviations.tsv'));
    const glossary = docs.find((d) => d.meta.id === 'tu-dien-viet-tat');
    expect(glossary).toBeDefined();
    const glossaryText = fold(glossary!.body.toLowerCase());
    const tsv = await readFile(path.join(KNOWLEDGE, 'abbreviations.tsv'), 'utf8');
    const missing: string[] = [];
    for (const line of tsv.split('\n')) {
      if (!line.trim() || line.startsWith('#')) continue;
      const [abbr] = line.split('\t');
      if (!glossaryText.includes(fold(abbr!.trim().toLowerCase()))) missing.push(abbr!);
    }
    expect(missing).toEqual([]);
    for (const [abbr, expansion] of [
      ['ncc', 'người có công'],
      ['ls', 'liệt sĩ'],
      ['tb', 'thương binh'],
      ['bb', 'bệnh binh'],
      ['bmvnah', 'bà mẹ việt nam anh hùng'],
      ['cđhh', 'chất độc hóa học'],
      ['tnxp', 'thanh niên xung phong'],
      ['hs', 'hồ sơ'],
      ['tthc', 'thủ tục hành chính'],
      ['ubnd', 'ủy ban nhân dân'],
      ['bhyt', 'bảo hiểm y tế'],
      ['kl', 'kết luận'],
      ['nđ', 'nghị định'],
      ['tt', 'thông tư'],
    ]) {
      expect(dictionary.expandText(abbr!)).toBe(expansion);
    }
  });
});

describe('the folder check', () => {
  it('names each defect: bad front matter, a broken date, a duplicate id, a missing source', async () => {
    const dir = await makeTempDir();
    try {
      await cp(path.join(KNOWLEDGE, 'thu-tuc'), dir, { recursive: true });
      const good = await readFile(path.join(dir, 'tt-mai-tang-phi.md'), 'utf8');
      await writeFile(path.join(dir, 'broken-yaml.md'), '---\nid: x\ntitle: [oops\n---\nText.\n');
      await writeFile(path.join(dir, 'bad-date.md'), good.replace(/^id: .*$/m, 'id: bad-date').replace(/^reviewed: .*$/m, 'reviewed: 2026-02-30'));
      await writeFile(path.join(dir, 'dup.md'), good);
      await writeFile(path.join(dir, 'no-source.md'), good.replace(/^id: .*$/m, 'id: no-source').replace(/^source_url:.*\n(  - .*\n)*/m, ''));
      const { problems: found } = await validateKnowledgeFolder(dir, { chunkMaxChars: RETRIEVAL_SETTINGS.chunkMaxChars });
      const byFile = new Map(found.map((p) => [p.file, p.problem]));
      expect(byFile.get('broken-yaml.md')).toMatch(/front matter/i);
      expect(byFile.get('bad-date.md')).toMatch(/reviewed.*2026-02-30/);
      expect(found.some((p) => p.file === 'tt-mai-tang-phi.md' || p.file === 'dup.md')).toBe(true);
      expect(found.find((p) => /duplicate id "tt-mai-tang-phi"/.test(p.problem))).toBeDefined();
      expect(byFile.get('no-source.md')).toMatch(/source_url/);
      expect(found).toHaveLength(4);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
