import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DOCX_XML_TAGS, docxXmlLimitsFor } from '../../src/knowledge/docx-text.js';
import { MAX_FRONT_MATTER_BYTES } from '../../src/knowledge/front-matter.js';
import { DEFAULT_LOAD_LIMITS, DocumentLoadError, loadDocumentFile, type LoadLimits } from '../../src/knowledge/loaders.js';
import { checkPdfStreams } from '../../src/knowledge/pdf-streams.js';
import { buildDocx, buildTextPdf } from '../fixtures/knowledge/build-files.js';
import { billionLaughsMarkdown, inflatingPdf, paragraphsDocx, zerosZlib } from '../helpers/hostile-files.js';

/*
 * The loader's own limits (issue 15, points 1–3), checked in this thread: what they refuse is refused
 * with `refused` and a Vietnamese (NFC) reason, before the costly parser runs; what they let through
 * loads as before.
 */

const MiB = 1024 * 1024;
let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'trolyxa-limits-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(rel: string, content: string | Uint8Array): Promise<string> {
  const abs = path.join(root, rel);
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, content);
  return abs;
}

async function refusal(rel: string, limits?: LoadLimits): Promise<string> {
  try {
    await loadDocumentFile(path.join(root, rel), root, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentLoadError);
    expect((error as DocumentLoadError).refused, (error as DocumentLoadError).reason).toBe(true);
    const { reason } = error as DocumentLoadError;
    expect(reason).toBe(reason.normalize('NFC'));
    return reason;
  }
  throw new Error(`${rel} loaded without a refusal`);
}

const FRONT = 'id: thu-gioi-han\ntitle: "Tài liệu thử giới hạn"\n';

describe('front matter', () => {
  it('refuses YAML aliases ("billion laughs") without expanding them', async () => {
    const markdown = billionLaughsMarkdown();
    expect(Buffer.byteLength(markdown)).toBeLessThan(600);
    await put('cuoi.md', markdown);
    expect(await refusal('cuoi.md')).toMatch(/^phần thông tin đầu tệp \(front matter\) dùng bí danh YAML \(\*a\)/u);
  });

  it('refuses a single alias, a merge key, and an alias in a sidecar', async () => {
    await put('mot.md', `---\n${FRONT}a: &x "chữ"\nnotes: *x\n---\nNội dung.\n`);
    expect(await refusal('mot.md')).toContain('bí danh YAML (*x)');
    await put('gop.md', `---\n${FRONT}base: &b {status: draft}\nmeta:\n  <<: *b\n---\nNội dung.\n`);
    expect(await refusal('gop.md')).toContain('bí danh YAML (*b)');
    await put('ghi-chu.txt', 'Ghi chú về mai táng\n');
    await put('ghi-chu.meta.yaml', `${FRONT}a: &a [1, 2]\nb: [*a, *a]\n`);
    expect(await refusal('ghi-chu.txt')).toMatch(/^tệp thông tin đi kèm ghi-chu\.meta\.yaml dùng bí danh YAML \(\*a\)/u);
  });

  it('still reads an asterisk that is not an alias', async () => {
    const abs = await put('sao.md', `---\n${FRONT}notes: "Ghi chú *quan trọng*: a*b"\ncitation: Điều 5 * khoản 2\n---\nNội dung.\n`);
    const doc = await loadDocumentFile(abs, root);
    expect(doc.meta.notes).toBe('Ghi chú *quan trọng*: a*b');
    expect(doc.meta.citation).toBe('Điều 5 * khoản 2');
  });

  it(`refuses front matter over ${MAX_FRONT_MATTER_BYTES / 1024} KB, and a sidecar as large`, async () => {
    const long = `notes: "${'x'.repeat(MAX_FRONT_MATTER_BYTES)}"\n`;
    await put('dai.md', `---\n${FRONT}${long}---\nNội dung.\n`);
    expect(await refusal('dai.md')).toMatch(/^phần thông tin đầu tệp \(front matter\) dài 65 KB, vượt giới hạn 64 KB/u);
    await put('dai.txt', 'Ghi chú về mai táng\n');
    await put('dai.meta.yaml', `${FRONT}${long}`);
    expect(await refusal('dai.txt')).toMatch(/^tệp thông tin đi kèm dai\.meta\.yaml dài 65 KB, vượt giới hạn 64 KB/u);
  });

  it('refuses metadata nested too deep, in front matter and in a JSON sidecar', async () => {
    await put('sau.md', `---\n${FRONT}phu_luc: ${'['.repeat(100)}1${']'.repeat(100)}\n---\nNội dung.\n`);
    expect(await refusal('sau.md')).toBe('phần thông tin đầu tệp (front matter) lồng nhau quá 32 cấp');
    await put('sau.txt', 'Ghi chú về mai táng\n');
    await put('sau.meta.json', `{"id": "sau", "title": "Ghi chú sâu", "phu_luc": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    expect(await refusal('sau.txt')).toBe('tệp thông tin đi kèm sau.meta.json lồng nhau quá 32 cấp');
  });

  it('never runs front matter written in JavaScript ("---js")', async () => {
    const marker = path.join(root, 'da-chay.txt');
    const code = `({ id: (require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x'), 'thu-js'), title: 'Mã độc' })`;
    for (const opening of ['---js', '---javascript', '--- js', '---coffee']) {
      await put('ma.md', `${opening}\n${code}\n---\nNội dung.\n`);
      expect(await refusal('ma.md'), opening).toMatch(/chỉ được viết bằng YAML/u);
    }
    expect(existsSync(marker)).toBe(false);
  });
});

describe('.docx', () => {
  it('refuses a 123 KB file declaring 40 MiB of paragraphs from its zip directory', async () => {
    const docx = await paragraphsDocx(40);
    expect(docx.length).toBeLessThan(130 * 1024);
    await put('bon-muoi.docx', docx);
    expect(await refusal('bon-muoi.docx')).toMatch(/^phần văn bản XML của tệp \.docx giải nén ra 40 MB, vượt giới hạn 4 MB/u);
  });

  it('refuses a file under the XML cap holding more tags than the heap can take', async () => {
    await put('rong.docx', await paragraphsDocx(1.5, '<w:p/>')); // 262,000 empty paragraphs
    const reason = await refusal('rong.docx', { ...DEFAULT_LOAD_LIMITS, maxDocxXmlBytes: 2 * MiB });
    expect(reason).toContain(`tệp .docx có hơn ${DEFAULT_MAX_DOCX_XML_TAGS.toLocaleString('vi-VN')} thẻ XML`);
  });

  it('scales the XML limits with the parse heap', () => {
    expect(docxXmlLimitsFor(256)).toEqual({ maxDocxXmlBytes: 4 * MiB, maxDocxXmlTags: DEFAULT_MAX_DOCX_XML_TAGS });
    expect(docxXmlLimitsFor(64).maxDocxXmlBytes).toBe(MiB);
  });

  it('still reads an ordinary document', async () => {
    const abs = await put('thuong.docx', await buildDocx([{ text: 'Hướng dẫn hồ sơ mai táng', heading: 1 }, { text: 'Hồ sơ gồm tờ khai và giấy chứng tử.' }]));
    expect((await loadDocumentFile(abs, root)).body).toContain('Hồ sơ gồm tờ khai');
  });
});

describe('.pdf', () => {
  const refuseWith = (reason: string): never => {
    throw new DocumentLoadError('x.pdf', reason, { refused: true });
  };

  it('refuses a 2 MB PDF whose stream inflates to 2 GiB, counting no further than its budget', async () => {
    const pdf = inflatingPdf(2048);
    expect(pdf.length).toBeLessThan(2.5 * MiB);
    await put('bung.pdf', pdf);
    expect(await refusal('bung.pdf')).toBe(
      'các luồng dữ liệu nén trong tệp PDF giải nén ra hơn 64 MB (tệp quá lớn, hoặc tệp nén độc hại được dựng để làm tràn bộ nhớ)',
    );
  });

  it('counts every stage of a stream compressed twice, and leaves images to the parse thread', async () => {
    const twice = Buffer.concat([Buffer.from('1 0 obj\n<< /Filter [/FlateDecode /FlateDecode] >>\nstream\n'), deflateTwice(40), Buffer.from('\nendstream\nendobj\n')]);
    await expect(checkPdfStreams(twice, 32 * MiB, refuseWith)).rejects.toThrow(/giải nén ra hơn 32 MB/u);
    await expect(checkPdfStreams(twice, 64 * MiB, refuseWith)).resolves.toBeUndefined();
    await expect(checkPdfStreams(inflatingPdf(128, '/Subtype /Image '), 16 * MiB, refuseWith)).resolves.toBeUndefined();
  });

  it('lets an ordinary PDF through', async () => {
    await expect(checkPdfStreams(buildTextPdf(['Điều 1. Phạm vi điều chỉnh']), MiB, refuseWith)).resolves.toBeUndefined();
  });
});

/** A zlib stream of a zlib stream of `mib` MiB of zeros. */
function deflateTwice(mib: number): Buffer {
  return deflateSync(zerosZlib(mib));
}
