import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes a small Markdown knowledge document with valid front matter. */
export async function writeDoc(
  dir: string,
  relative: string,
  fields: { id: string; title: string; body: string; extra?: string; verified?: boolean },
): Promise<void> {
  const file = path.join(dir, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    `---
id: ${fields.id}
title: "${fields.title}"
doc_type: thu-tuc
citation: "${fields.title}"
status: in_force
verified: ${fields.verified ?? true}
topic: [nguoi-co-cong]
source_url: https://example.invalid/${fields.id}
reviewed: 2026-11-27
${fields.extra ?? ''}
---
${fields.body}
`,
  );
}

export const MAI_TANG = {
  id: 'tt-mai-tang',
  title: 'Thủ tục hưởng trợ cấp mai táng',
  body: `# Thủ tục hưởng trợ cấp mai táng

Trợ cấp mai táng (mai táng phí) khi người có công từ trần.

## Thành phần hồ sơ

Hồ sơ hưởng trợ cấp mai táng gồm bản khai Mẫu số 12 và giấy chứng tử.

## Trình tự và thời hạn

Ủy ban nhân dân cấp xã tiếp nhận hồ sơ mai táng, kiểm tra trong 05 ngày làm việc.
`,
};

export const THO_CUNG = {
  id: 'tt-tho-cung',
  title: 'Thủ tục trợ cấp thờ cúng liệt sĩ',
  body: `# Thủ tục trợ cấp thờ cúng liệt sĩ

## Mức hưởng

Trợ cấp thờ cúng liệt sĩ là 1.400.000 đồng cho một liệt sĩ mỗi năm.
`,
};
