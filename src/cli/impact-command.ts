import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_IMPACT_DAYS, groupByQuestion, impactJson, type ImpactReport, type ImpactService } from '../curation/impact.js';
import { SOURCE_CHANGE_LABELS, type SourceChange } from '../knowledge/provenance.js';

/** What the impact command needs; `close` releases it when the command is done. */
export interface ImpactCommandServices {
  impact: ImpactService;
  close(): Promise<void>;
}

/**
 * Adds `trolyxa impact [--since DAYS] [--json]`: the curated answers that need a review because a text
 * they rest on changed since their approval, and the answers of the last DAYS (default 90) whose texts
 * changed since, grouped by question. With --json the last line is
 * `{"changed_documents": [...], "curated": [{"id", "question", "status"}], "answers": [{"id", "question", "channel", "asked_at"}]}`.
 */
export function registerImpactCommand(program: Command, open: () => Promise<ImpactCommandServices>): void {
  program
    .command('impact')
    .description('Show what knowledge changes affect: curated answers to review and answers given from texts that changed since')
    .option('--since <days>', `answers of the last DAYS days (default ${DEFAULT_IMPACT_DAYS})`, parseDays, DEFAULT_IMPACT_DAYS)
    .option('--json', 'print the result as one JSON object (the last line)')
    .action(async (options: { since: number; json?: boolean }) => {
      const services = await open();
      try {
        const report = await services.impact.compute({ days: options.since });
        if (options.json) console.log(JSON.stringify(impactJson(report)));
        else printImpact(report);
      } finally {
        await services.close();
      }
    });
}

function printImpact(report: ImpactReport): void {
  console.log(`Ảnh hưởng của thay đổi (câu trả lời trong ${report.days} ngày qua)`);
  if (report.changedDocuments.length === 0 && report.curated.length === 0 && report.answers.length === 0) {
    console.log('Không có thay đổi nào ảnh hưởng tới câu trả lời.');
    return;
  }
  console.log(`\nVăn bản đã thay đổi: ${report.changedDocuments.length}`);
  for (const doc of report.changedDocuments) {
    const last = doc.changes.at(-1);
    console.log(`  ~ ${doc.id} — ${doc.title}${last ? ` (${last.kind === 'removed' ? 'đã gỡ' : 'đã sửa'} lúc ${last.at.slice(0, 16).replace('T', ' ')})` : ''}`);
  }
  console.log(`\nCâu trả lời mẫu cần xem lại: ${report.curated.length}`);
  for (const c of report.curated) console.log(`  #${c.id} ${c.question}\n     ${describe(c.changes)}`);
  const groups = groupByQuestion(report.answers);
  console.log(`\nCâu trả lời đã gửi dựa trên đoạn đã thay đổi: ${report.answers.length} (${groups.length} câu hỏi)`);
  for (const group of groups) {
    console.log(`  “${group.question}” — ${group.answers.length} lần`);
    for (const a of group.answers) console.log(`     #${a.id} ${a.askedAt.slice(0, 10)} ${a.channel}${a.asker.displayName ? ` (${a.asker.displayName})` : ''}`);
  }
}

/** "Nghị định 131/2021/NĐ-CP, Điều 5: nội dung đã thay đổi; …" */
export function describe(changes: readonly SourceChange[]): string {
  return changes
    .map((c) => `${c.source.citation}: ${SOURCE_CHANGE_LABELS[c.kind]}${c.replacedBy ? ` (thay bằng ${c.replacedBy})` : ''}`)
    .join('; ');
}

function parseDays(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3650) throw new InvalidArgumentError('số ngày phải là số nguyên từ 1 đến 3650');
  return n;
}
