import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkDocument } from '../../src/knowledge/chunker.js';
import { documentMetaSchema } from '../../src/knowledge/types.js';
import { validateKnowledgeFolder } from '../../src/knowledge/validate.js';
import { makeTempDir } from '../helpers/temp-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FRONT = (extra = '') => `---
id: tai-lieu
title: "Mức trợ cấp thờ cúng liệt sĩ"
doc_type: muc-huong
topic: [tho-cung]
reviewed: 2026-12-06
verified: true
${extra}---
`;
const GOOD_SOURCES = 'source_url:\n  - https://baochinhphu.vn/bai-viet.htm\nsecondary_sources:\n  - https://github.com/owner/repo\n';
const AMOUNTS = 'amounts:\n  - value: "1.400.000 đồng"\n    what: "Trợ cấp thờ cúng liệt sĩ"\n    from: 2022-01-01\n    basis: "Nghị định 75/2021/NĐ-CP"\n    series: tho-cung-liet-si\n';

async function check(file: string, text: string) {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, file), text);
  const { problems } = await validateKnowledgeFolder(dir, { chunkMaxChars: 700 });
  return problems.map((p) => p.problem);
}

describe('trolyxa check: what users are shown', () => {
  it('passes a document whose amounts carry their period and whose source is official', async () => {
    expect(await check('a.md', `${FRONT(GOOD_SOURCES + AMOUNTS)}\n## Mức trợ cấp thờ cúng\n\nTrợ cấp thờ cúng liệt sĩ là 1.400.000 đồng/liệt sĩ/năm, áp dụng từ 01/01/2022.\n`)).toEqual([]);
  });

  it('fails on an amount without its period and basis', async () => {
    const problems = await check('a.md', `${FRONT(GOOD_SOURCES)}\n## Mức trợ cấp thờ cúng\n\nTrợ cấp thờ cúng liệt sĩ là 1.400.000 đồng/liệt sĩ/năm.\n`);
    expect(problems).toEqual(['amount 1.400.000 đồng has no period: list it under amounts (value, what, from, basis)']);
  });

  it('fails on a third-party copy given as the source', async () => {
    const problems = await check('a.md', `${FRONT('source_url:\n  - https://github.com/owner/repo\n' + AMOUNTS)}\n## Mức\n\nTrợ cấp thờ cúng liệt sĩ là 1.400.000 đồng/liệt sĩ/năm.\n`);
    expect(problems).toEqual([expect.stringContaining('source_url: https://github.com/owner/repo is a third-party copy')]);
  });

  it('fails on text addressed to the assistant or to admins', async () => {
    for (const sentence of [
      'Trợ lý Xã không được tự suy diễn nội dung kết luận này.',
      'Người nghiên cứu chưa tìm được văn bản gốc.',
      'Khi có văn bản, đổi verified thành true.',
    ]) {
      const problems = await check('a.md', `${FRONT(GOOD_SOURCES + AMOUNTS)}\n## Mức\n\nTrợ cấp thờ cúng liệt sĩ là 1.400.000 đồng/liệt sĩ/năm. ${sentence}\n`);
      expect(problems, sentence).toEqual([expect.stringContaining('text addressed to the assistant or admins')]);
    }
  });

  it('keeps notes for admins out of the index', async () => {
    const problems = await check('a.md', `${FRONT(GOOD_SOURCES + AMOUNTS + 'notes: "Người nghiên cứu: đổi verified khi có văn bản."\n')}\n## Mức\n\nTrợ cấp thờ cúng liệt sĩ là 1.400.000 đồng/liệt sĩ/năm.\n`);
    expect(problems).toEqual([]);
  });

  it("fails on another document named by its file id, and names the document's label instead", async () => {
    const other = `---\nid: tt-mai-tang-phi\ntitle: "Thủ tục hưởng trợ cấp mai táng (mai táng phí)"\ncitation: "Thủ tục hưởng trợ cấp mai táng"\ndoc_type: thu-tuc\ntopic: [mai-tang]\nreviewed: 2026-12-06\nverified: true\n${GOOD_SOURCES}---\n## Hồ sơ\n\nNgười lo mai táng nộp Bản khai Mẫu số 12 tại UBND cấp xã.\n`;
    await writeFile(path.join(dir, 'b.md'), other);
    const named = await check('a.md', `${FRONT(GOOD_SOURCES + AMOUNTS)}\n## Mức\n\nTrợ cấp thờ cúng liệt sĩ là 1.400.000 đồng/liệt sĩ/năm; mai táng xem tài liệu tt-mai-tang-phi.\n`);
    expect(named).toEqual([expect.stringMatching(/file id "tt-mai-tang-phi".*"Thủ tục hưởng trợ cấp mai táng"/u)]);
    // A link's path and a word that only contains the id are no mention.
    const linked = await check('a.md', `${FRONT(GOOD_SOURCES + AMOUNTS)}\n## Mức\n\nTrợ cấp thờ cúng liệt sĩ là 1.400.000 đồng/liệt sĩ/năm (https://example.gov.vn/tt-mai-tang-phi, mã xtt-mai-tang-phi-2).\n`);
    expect(linked).toEqual([]);
  });

  it('fails on a passage that ends on a lead-in whose list is elsewhere', async () => {
    const problems = await check('a.md', `${FRONT(GOOD_SOURCES + AMOUNTS)}\n## Hồ sơ\n\nTrợ cấp thờ cúng liệt sĩ là 1.400.000 đồng/liệt sĩ/năm.\n\n## Lưu ý\n\nNhững lưu ý khi làm hồ sơ:\n`);
    expect(problems).toEqual([expect.stringContaining('a lead-in or heading alone')]);
  });
});

describe('the chunker keeps a lead-in with its list', () => {
  it('moves the lead-in line to the passage that holds the list', () => {
    const para = 'Đoạn mở đầu nói về thủ tục và các điều kiện chung của người có công. '.repeat(9);
    const items = Array.from({ length: 6 }, (_, i) => `- Lưu ý số ${i + 1}: nộp đủ giấy tờ, bản sao có chứng thực, kiểm tra thông tin cho khớp với giấy tờ gốc.`);
    const body = `## Thủ tục A\n\n${para}\n\nNhững lưu ý khi làm hồ sơ trợ cấp:\n\n${items.join('\n')}\n`;
    const meta = documentMetaSchema.parse({ id: 'x', title: 'Tài liệu X' });
    const chunks = chunkDocument({ meta, body, format: 'markdown', sourcePath: 'x.md' }, { maxChars: 700 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.text.trim().endsWith(':'), chunk.text).toBe(false);
    const withList = chunks.find((c) => c.text.includes('- Lưu ý số 1'))!;
    expect(withList.text.startsWith('Những lưu ý khi làm hồ sơ trợ cấp:')).toBe(true);
  });
});
