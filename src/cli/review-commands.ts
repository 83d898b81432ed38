import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { confidenceText } from '../ocr/confidence-text.js';
import type { AwaitingReview } from '../storage/knowledge-store.js';
import { createCliContext, openKnowledgeBase } from './context.js';

/**
 * `trolyxa review list [--json]` and `trolyxa review accept <id>`: documents read by OCR wait for an admin
 * to confirm their text before they are searched (the console's review page does the same).
 */
export function registerReviewCommands(program: Command): void {
  const review = program.command('review').description('Documents read by OCR that wait for an admin to confirm their text');

  review
    .command('list')
    .description('List the documents read by OCR that are not searchable until accepted')
    .option('--json', 'print one JSON object a line: {"id", "title", "file", "pages", "confidence", "created"}')
    .action((options: { json?: boolean }) =>
      withKnowledgeBase(async (kb) => {
        const waiting = await kb.store.awaitingReview();
        if (options.json) {
          for (const item of waiting) console.log(JSON.stringify(toJson(item)));
          return;
        }
        if (waiting.length === 0) {
          console.log('Không có tài liệu nhận dạng chữ (OCR) nào đang chờ duyệt.');
          return;
        }
        console.log(`${waiting.length} tài liệu nhận dạng chữ (OCR) đang chờ duyệt, chưa được tìm kiếm:`);
        for (const item of waiting) {
          console.log(`  ${item.id}  ${item.title}\n    ${item.sourcePath} · ${item.pages} trang · độ tin cậy ${confidenceText(item.confidence)} · nạp lúc ${item.createdAt}`);
        }
        console.log('Xem bản quét và chữ đã nhận dạng trong bảng điều khiển (Tri thức › Chờ duyệt OCR); đăng bằng `trolyxa review accept <mã>`.');
      }),
    );

  review
    .command('accept')
    .description('Confirm the OCR text of a document and make it searchable')
    .argument('<id>', 'the document id (from `trolyxa review list`)')
    .action((id: string) =>
      withKnowledgeBase(async (kb) => {
        const waiting = (await kb.store.awaitingReview()).find((item) => item.id === id);
        if (!waiting || !(await kb.acceptOcr(id, `cli:${userInfo().username}`))) {
          console.error(`Không có tài liệu OCR nào mã “${id}” đang chờ duyệt (xem \`trolyxa review list\`).`);
          process.exitCode = 1;
          return;
        }
        const searcher = await kb.searcher();
        console.log(`Đã xác nhận và đăng “${waiting.title}” (${id}); chỉ mục: ${searcher.size} đoạn.`);
      }),
    );
}

/** Runs `work` on the configured knowledge base (without the first-run ingest), closing it afterwards. */
async function withKnowledgeBase(work: (kb: KnowledgeBase) => Promise<void>): Promise<void> {
  const kb = await openKnowledgeBase(createCliContext(), { autoIngest: false });
  try {
    await work(kb);
  } finally {
    await kb.close();
  }
}

function toJson(item: AwaitingReview) {
  return { id: item.id, title: item.title, file: item.sourcePath, pages: item.pages, confidence: item.confidence, created: item.createdAt };
}
