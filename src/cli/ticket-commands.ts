import { InvalidArgumentError, Option, type Command } from 'commander';
import type { EscalationService } from '../escalation/escalation-service.js';
import type { UserStore } from '../escalation/stores.js';
import { normalizeTopics } from '../escalation/topics.js';
import { ROLES, TICKET_STATUSES, type Role, type Ticket, type TicketStatus, type User } from '../escalation/types.js';

/** What the ticket commands need; `close` releases it (the database) when the command is done. */
export interface TicketCommandServices {
  service: EscalationService;
  users: UserStore;
  close(): Promise<void>;
}

/**
 * Adds the escalation commands: `tickets`, `answer`, `approve`, `user add`, `user list`. They only write
 * to the database: messages they cause (the relay of an answer) are delivered by the running bot's
 * outbox worker.
 *
 * @example
 * registerTicketCommands(program, async () => {
 *   const db = await Database.open(config.databaseFile);
 *   const stores = createSqliteEscalationStores(db);
 *   return { service: new EscalationService(stores), users: stores.users, close: () => db.close() };
 * });
 */
export function registerTicketCommands(program: Command, open: () => Promise<TicketCommandServices>): void {
  const using = async (work: (services: TicketCommandServices) => Promise<void>): Promise<void> => {
    const services = await open();
    try {
      await work(services);
    } finally {
      await services.close();
    }
  };

  program
    .command('tickets')
    .description('List the questions escalated to the experts (oldest first)')
    .addOption(new Option('--status <status>', 'only tickets in this state').choices(TICKET_STATUSES))
    .option('--topic <topic>', 'only tickets of this topic')
    .option('--json', 'print one JSON object a line')
    .action((options: { status?: TicketStatus; topic?: string; json?: boolean }) =>
      using(async ({ service }) => {
        const tickets = await service.listTickets({ status: options.status, topic: options.topic });
        if (options.json) {
          for (const ticket of tickets) console.log(JSON.stringify(ticket));
          return;
        }
        if (tickets.length === 0) console.log('Không có câu hỏi nào.');
        for (const ticket of tickets) console.log(formatTicket(ticket));
      }),
    );

  program
    .command('answer')
    .description("Record an expert's answer to a ticket; the bot relays it to the asker's chat")
    .argument('<ticket>', 'ticket number (12 or #12)', parseTicketId)
    .argument('<text>', 'the answer (quote it)')
    .requiredOption('--expert <id>', "the answering expert's user id (see `user list`)", parseId)
    .action((ticketId: number, text: string, options: { expert: number }) =>
      using(async ({ service }) => {
        const ticket = await service.answer(ticketId, options.expert, text);
        console.log(
          `Đã ghi câu trả lời cho câu hỏi #${ticket.id}. Tin trả lời sẽ được gửi tới người hỏi qua ${ticket.asker.channel} khi bot đang chạy.`,
        );
      }),
    );

  program
    .command('approve')
    .description("Approve a ticket's expert answer (optionally edited) as a curated answer, reused for the same question")
    .argument('<ticket>', 'ticket number (12 or #12)', parseTicketId)
    .requiredOption('--admin <id>', "the approving admin's user id", parseId)
    .option('--edit <text>', "the approved text, when it differs from the expert's answer")
    .action((ticketId: number, options: { admin: number; edit?: string }) =>
      using(async ({ service }) => {
        const curated = await service.approve(ticketId, options.admin, options.edit);
        console.log(`Đã duyệt câu trả lời của câu hỏi #${ticketId} (câu trả lời mẫu #${curated.id}).`);
      }),
    );

  const user = program.command('user').description('Manage the officials, experts and admins the bot knows');

  user
    .command('add')
    .description('Add a user (approved at once): an official, an expert with the topics they cover, or an admin')
    .requiredOption('--channel <channel>', 'channel name, e.g. telegram or zalo')
    .requiredOption('--user <id>', "the person's user id on that channel")
    .requiredOption('--chat <id>', 'the chat id where they receive notifications')
    .requiredOption('--name <name>', 'display name, e.g. "Nguyễn Văn A"')
    .addOption(new Option('--role <role>', 'official, expert or admin').choices(ROLES).makeOptionMandatory())
    .option('--topics <list>', "topics an expert covers, comma-separated (e.g. mai-tang,tro-cap; '*' for every topic)", parseTopics)
    .option('--commune <name>', 'commune (xã, phường) of an official')
    .action(
      (options: { channel: string; user: string; chat: string; name: string; role: Role; topics?: string[]; commune?: string }) =>
        using(async ({ users }) => {
          const added = await users.add(
            {
              channel: options.channel.trim(),
              channelUserId: options.user.trim(),
              chatId: options.chat.trim(),
              displayName: options.name.trim(),
              role: options.role,
              topics: options.topics,
              commune: options.commune?.trim() || undefined,
            },
            new Date().toISOString(),
          );
          console.log(`Đã thêm ${formatUser(added)}`);
        }),
    );

  user
    .command('list')
    .description('List the known users')
    .addOption(new Option('--role <role>', 'only this role').choices(ROLES))
    .option('--json', 'print one JSON object a line')
    .action((options: { role?: Role; json?: boolean }) =>
      using(async ({ users }) => {
        const list = await users.list({ role: options.role });
        if (options.json) {
          for (const u of list) console.log(JSON.stringify(u));
          return;
        }
        if (list.length === 0) console.log('Chưa có người dùng nào.');
        for (const u of list) console.log(formatUser(u));
      }),
    );
}

const STATUS_LABELS: Record<TicketStatus, string> = {
  open: 'chờ nhận',
  assigned: 'đang xử lý',
  answered: 'đã trả lời, chờ gửi',
  relay_pending: 'chưa gửi được',
  relayed: 'đã gửi',
  closed: 'đã đóng',
};

const ROLE_LABELS: Record<Role, string> = { official: 'cán bộ xã', expert: 'chuyên gia', admin: 'quản trị' };

function formatTicket(ticket: Ticket): string {
  const who = [ticket.asker.displayName ?? ticket.asker.userId, ticket.asker.commune, ticket.asker.channel]
    .filter(Boolean)
    .join(', ');
  const question = ticket.question.replace(/\s+/g, ' ');
  return [
    `#${ticket.id} [${STATUS_LABELS[ticket.status]}] ${ticket.createdAt.slice(0, 16).replace('T', ' ')}${ticket.topic ? ` · ${ticket.topic}` : ''} · ${who}`,
    `   ${question.length > 200 ? `${question.slice(0, 199)}…` : question}`,
  ].join('\n');
}

function formatUser(u: User): string {
  const extra = [
    u.topics.length ? `lĩnh vực: ${u.topics.join(', ')}` : '',
    u.commune ?? '',
    u.active ? '' : 'ngừng hoạt động',
    u.approved ? '' : 'chưa duyệt',
  ].filter(Boolean);
  return `#${u.id} ${u.displayName} (${ROLE_LABELS[u.role]}) · ${u.channel}:${u.channelUserId} · chat ${u.chatId}${extra.length ? ` · ${extra.join(' · ')}` : ''}`;
}

function parseId(value: string): number {
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive whole number, got "${value}"`);
  return n;
}

function parseTicketId(value: string): number {
  return parseId(value.trim().replace(/^#/, ''));
}

function parseTopics(value: string): string[] {
  const topics = normalizeTopics(value.split(','));
  if (topics.length === 0) throw new InvalidArgumentError('expected one or more comma-separated topics');
  return topics;
}
