import type { Command } from 'commander';
import type { User } from '../escalation/types.js';
import { NoticeError } from '../notices/errors.js';
import type { NoticeService } from '../notices/notice-service.js';
import type { AffectedAnswer, FollowUpService } from '../notices/follow-up-service.js';
import { usingServices } from './using-services.js';

/** What the notice command needs; `close` releases it when the command is done. */
export interface NoticeCommandServices {
  notices: NoticeService;
  close(): Promise<void>;
}

interface NoticeOptions {
  title?: string;
  text?: string;
  role: string[];
  topic: string[];
  commune: string[];
  channel: string[];
  yes?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

/**
 * Adds `trolyxa notice` — the console's notices from the command line. Without `--yes` it only shows whom
 * the notice would reach (the preview); with `--yes` it queues one message per recipient in the outbox,
 * which the running server delivers. `trolyxa notice report <id>` prints a notice's delivery report.
 * With --json the last line is `{"id"?, "recipients": [{"id", "channel", "name"}], "excluded": n}` or the report.
 */
export function registerNoticeCommand(program: Command, open: () => Promise<NoticeCommandServices>): void {
  const notice = program
    .command('notice')
    .description('Send a notice to officials filtered by role, topic, commune and channel (preview unless --yes); `notice report <id>` for its delivery')
    .option('--title <title>', 'the notice title (e.g. "Nghị định mới về mức chuẩn")')
    .option('--text <text>', 'the notice text')
    .option('--role <roles>', 'official, expert or admin (comma-separated; default official)', collect, [])
    .option('--topic <topics>', 'only users covering these topics (comma-separated)', collect, [])
    .option('--commune <communes>', 'only users of these communes (repeat the option for names with commas)', (v: string, p: string[]) => [...p, v.trim()], [])
    .option('--channel <channels>', 'only users on these channels (comma-separated: telegram, zalo, zalo-oa, web)', collect, [])
    .option('--yes', 'send it (without it: only show who it would reach)')
    .option('--json', 'print the result as one JSON object (the last line)')
    .action((options: NoticeOptions) =>
      using(open, async (services) => {
        const audience = { roles: options.role as User['role'][], topics: options.topic, communes: options.commune, channels: options.channel };
        const preview = await services.notices.preview(audience);
        const recipients = preview.recipients.map((u) => ({ id: u.id, channel: u.channel, name: u.displayName }));
        if (!options.yes) {
          if (options.json) console.log(JSON.stringify({ recipients, excluded: preview.excluded.length }));
          else {
            console.log(`Thông báo sẽ tới ${recipients.length} người (bỏ qua ${preview.excluded.length} người đã tắt thông báo hoặc không nhận được):`);
            for (const group of preview.byChannel) console.log(`  ${group.channel}: ${group.users.map((u) => u.displayName).join(', ')}`);
            console.log('Thêm --yes để gửi.');
          }
          return;
        }
        if (!options.title || !options.text) throw new NoticeError('invalid_input', 'Cần --title và --text để gửi thông báo.');
        const sent = await services.notices.send(
          { title: options.title, text: options.text, audience, author: { label: 'trolyxa notice (CLI)' } },
          preview.recipients.map((u) => u.id),
        );
        if (options.json) console.log(JSON.stringify({ id: sent.id, recipients }));
        else console.log(`Đã xếp thông báo #${sent.id} cho ${recipients.length} người vào hàng gửi; máy chủ đang chạy sẽ gửi đi. Xem kết quả: trolyxa notice report ${sent.id}`);
      }),
    );

  notice
    .command('report <id>')
    .description("A notice's delivery report: sent, failed and pending, per channel")
    .option('--json', 'print the report as one JSON object')
    .action((id: string, options: { json?: boolean }) =>
      using(open, async (services) => {
        const report = await services.notices.report(Number(id));
        if (!report) throw new NoticeError('not_found', `Không có thông báo #${id}.`);
        // `--json` after the subcommand is taken by `notice` itself (its option of the same name).
        if (options.json || notice.opts<{ json?: boolean }>().json) console.log(JSON.stringify(report));
        else {
          const line = (t: { sent: number; failed: number; pending: number }) => `đã gửi ${t.sent}, lỗi ${t.failed}, đang chờ ${t.pending}`;
          console.log(`Thông báo #${report.broadcast.id} “${report.broadcast.title}”: ${line(report.total)}`);
          for (const c of report.byChannel) console.log(`  ${c.channel}: ${line(c)}`);
        }
      }),
    );
}

/** What the follow-up command needs: the answers' log entries, the impact's affected answers, the sender. */
export interface FollowUpCommandServices {
  answers(ids: readonly number[]): Promise<AffectedAnswer[]>;
  affected(days: number): Promise<AffectedAnswer[]>;
  followUps: FollowUpService;
  close(): Promise<void>;
}

/**
 * Adds `trolyxa follow-up`: tells the askers of answers whose basis changed, as the console's follow-up page
 * does — the answers by question-log id (`--answers 12,15`) or all those `trolyxa impact` lists
 * (`--impact [--since DAYS]`); one message per asker on the channel they asked on, through the outbox.
 */
export function registerFollowUpCommand(program: Command, open: () => Promise<FollowUpCommandServices>): void {
  program
    .command('follow-up')
    .description('Tell the askers of changed answers what changed (by question-log id, or every answer `impact` lists)')
    .option('--answers <ids>', 'question-log ids, comma-separated (see `trolyxa impact`)', collect, [])
    .option('--impact', 'every answer `trolyxa impact` lists')
    .option('--since <days>', 'with --impact: answers of the last DAYS days', (v: string) => Number(v), 90)
    .requiredOption('--reason <text>', 'what changed, e.g. "Nghị định 55/2026/NĐ-CP điều chỉnh mức trợ cấp"')
    .requiredOption('--content <text>', 'the new content ("Nội dung mới: …")')
    .option('--json', 'print the result as one JSON object (the last line)')
    .action((options: { answers: string[]; impact?: boolean; since: number; reason: string; content: string; json?: boolean }) =>
      using(open, async (services) => {
        const ids = options.answers.map(Number).filter((n) => Number.isInteger(n) && n > 0);
        const answers = options.impact ? await services.affected(options.since) : await services.answers(ids);
        if (answers.length === 0) throw new NoticeError('not_found', options.impact ? 'Không có câu trả lời nào bị ảnh hưởng.' : 'Không tìm thấy câu trả lời nào với các số đã cho.');
        const sent = await services.followUps.send({ answers, reason: options.reason, newContent: options.content, author: { label: 'trolyxa follow-up (CLI)' } });
        if (options.json) console.log(JSON.stringify({ id: sent.followUp.id, recipients: sent.recipients, skipped: sent.skipped.map((a) => a.id) }));
        else console.log(`Đã xếp tin báo thay đổi #${sent.followUp.id} cho ${sent.recipients} người hỏi vào hàng gửi${sent.skipped.length ? ` (bỏ qua ${sent.skipped.length} câu hỏi từ dòng lệnh)` : ''}.`);
      }),
    );
}

/** Runs a command's work on its services, closes them, and prints a refused notice's Vietnamese reason (exit code 1). */
function using<T extends { close(): Promise<void> }>(open: () => Promise<T>, work: (services: T) => Promise<void>): Promise<void> {
  return usingServices(open, work, (error) => error instanceof NoticeError);
}
