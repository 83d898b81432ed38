import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { DocumentParser } from '../knowledge/document-parser.js';
import type { IngestReport } from '../knowledge/ingest.js';
import type { ScoredPassage } from '../retrieval/hybrid-search.js';
import { validateKnowledgeFolder } from '../knowledge/validate.js';
import { RETRIEVAL_SETTINGS } from '../retrieval/settings.js';
import { createCliContext, openKnowledgeBase } from './context.js';
import { createProgress } from './progress.js';

export function registerKnowledgeCommands(program: Command): void {
  program
    .command('ingest')
    .description('Load the knowledge folder into the database (incremental: only new, changed and removed files) and rebuild the indexes')
    .option('--dir <dir>', 'knowledge folder (default: KNOWLEDGE_DIR or ./knowledge)')
    .option('--json', 'print the report as JSON')
    .action(async (options: { dir?: string; json?: boolean }) => {
      const context = createCliContext();
      const kb = await openKnowledgeBase(context, { autoIngest: false });
      try {
        const progress = createProgress('Ingest');
        let files = { done: 0, total: 0 };
        const report = await kb.ingest({
          dir: options.dir ? path.resolve(options.dir) : undefined,
          onProgress: (done, total, file) => {
            files = { done, total };
            progress.update(done, total, file);
          },
          onScanProgress: (file, { pagesDone, pagesTotal }) => progress.update(files.done, files.total, `OCR ${pagesDone}/${pagesTotal} ${file}`),
        });
        progress.stop();
        const started = performance.now();
        const searcher = await kb.searcher();
        const indexMs = Math.round(performance.now() - started);
        if (options.json) {
          console.log(JSON.stringify({ ...report, passages: searcher.size, index_ms: indexMs }));
        } else {
          printReport(report, searcher.size, indexMs);
        }
        if (report.failed.length) process.exitCode = 1;
      } finally {
        await kb.close();
      }
    });

  program
    .command('check')
    .description('Check the knowledge folder as an admin review would: front matter, dates, unique ids, NFC, citations')
    .option('--dir <dir>', 'knowledge folder (default: KNOWLEDGE_DIR or ./knowledge)')
    .action(async (options: { dir?: string }) => {
      const { config } = createCliContext();
      const dir = options.dir ? path.resolve(options.dir) : config.knowledgeDir;
      const parser = new DocumentParser(config.parse);
      const { documents, problems } = await validateKnowledgeFolder(dir, { chunkMaxChars: RETRIEVAL_SETTINGS.chunkMaxChars, parser }).finally(() => parser.close());
      for (const p of problems) console.log(`! ${p.file}: ${p.problem}`);
      const unverified = documents.filter((d) => !d.meta.verified).length;
      console.log(`${documents.length} tài liệu, ${unverified} chưa xác minh đầy đủ, ${problems.length} lỗi.`);
      if (problems.length) process.exitCode = 1;
    });

  program
    .command('search')
    .description('Search the knowledge base and print the best passages with their scores')
    .argument('[question]', 'the question (quote it)')
    .option('-k, --k <n>', 'number of passages', parsePositiveInt, 5)
    .option('--json', 'print one JSON object')
    .option('--batch <file>', 'read one question a line from a file and print one JSON line per question')
    .action(async (question: string | undefined, options: { k: number; json?: boolean; batch?: string }) => {
      if (!question && !options.batch) throw new Error('give a question, or --batch FILE');
      const context = createCliContext();
      const kb = await openKnowledgeBase(context);
      try {
        const searcher = await kb.searcher();
        const questions = options.batch
          ? (await readFile(options.batch, 'utf8')).split(/\r?\n/).map((l) => l.trim()).filter(Boolean)
          : [question!];
        for (const q of questions) {
          const { hits, expandedQuery } = await searcher.search(q, options.k);
          if (options.json || options.batch) {
            console.log(JSON.stringify({ query: q, results: hits.map(toJsonResult) }));
          } else {
            console.log(`Câu hỏi: ${q}\nHiểu là: ${expandedQuery}\n`);
            if (hits.length === 0) console.log('Không tìm thấy đoạn nào phù hợp.');
            hits.forEach((hit, i) => {
              console.log(
                `${i + 1}. [${hit.score.toFixed(3)}] ${hit.passage.citation}\n   BM25F ${hit.lexicalScore.toFixed(2)} · cosine ${hit.vectorSimilarity.toFixed(3)} · ${hit.passage.meta.title}\n   ${excerpt(hit.passage.text)}\n`,
              );
            });
          }
        }
      } finally {
        await kb.close();
      }
    });
}

function toJsonResult(hit: ScoredPassage) {
  return {
    id: hit.passage.id,
    title: hit.passage.meta.title,
    citation: hit.passage.citation,
    score: round(hit.score),
    lexical_score: round(hit.lexicalScore),
    vector_similarity: round(hit.vectorSimilarity),
    text: hit.passage.text,
  };
}

function printReport(report: IngestReport, passages: number, indexMs: number): void {
  console.log(
    `Thêm mới: ${report.added.length} · Thay đổi: ${report.changed.length} · Đã xoá: ${report.removed.length} · Không đổi: ${report.unchanged.length} · Lỗi: ${report.failed.length}`,
  );
  for (const file of report.added) console.log(`  + ${file}`);
  for (const file of report.changed) console.log(`  ~ ${file}`);
  for (const file of report.removed) console.log(`  - ${file}`);
  for (const failure of report.failed) console.log(`  ! ${failure.file}: ${failure.reason}`);
  if (report.awaitingReview.length) {
    console.log(`Chờ duyệt (đọc bằng OCR, chưa được tìm kiếm cho đến khi xác nhận): ${report.awaitingReview.length}`);
    for (const file of report.awaitingReview) console.log(`  ? ${file}`);
    console.log('Xem và xác nhận: `trolyxa review list`, `trolyxa review accept <mã>` (hoặc trong bảng điều khiển).');
  }
  console.log(`Chỉ mục: ${passages} đoạn, sẵn sàng sau ${indexMs} ms.`);
  if (report.changed.length || report.removed.length) {
    console.log('Câu trả lời dựa trên văn bản đã sửa hoặc đã gỡ: xem `trolyxa impact` (hoặc trang "Ảnh hưởng của thay đổi" trong bảng điều khiển).');
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 220 ? flat.slice(0, 219) + '…' : flat;
}

function round(n: number): number {
  return Math.round(n * 10000) / 10000;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive whole number, got "${value}"`);
  return n;
}
