import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { registerTicketCommands } from '../../src/cli/ticket-commands.js';
import { EscalationService } from '../../src/escalation/escalation-service.js';
import { createSqliteEscalationStores } from '../../src/storage/sqlite/escalation-stores.js';
import { Database } from '../../src/storage/database.js';
import { ASKER, disposeEnv, openEnv, type Env } from './harness.js';

let env: Env;
let log: MockInstance<typeof console.log>;
let opened = 0;
let closed = 0;

beforeEach(async () => {
  env = await openEnv();
  opened = closed = 0;
  log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(async () => {
  log.mockRestore();
  await disposeEnv(env);
});

/** Runs one `trolyxa …` command line against the test database and returns what it printed. */
async function cli(...args: string[]): Promise<string> {
  log.mockClear();
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerTicketCommands(program, async () => {
    opened += 1;
    const db = await Database.open(env.file);
    const stores = createSqliteEscalationStores(db);
    return {
      service: new EscalationService(stores, { now: env.clock.now }),
      users: stores.users,
      close: async () => {
        closed += 1;
        await db.close();
      },
    };
  });
  await program.parseAsync(['node', 'trolyxa', ...args]);
  return log.mock.calls.map((c) => c.join(' ')).join('\n');
}

describe('ticket commands', () => {
  it('adds and lists users', async () => {
    expect(
      await cli('user', 'add', '--channel', 'telegram', '--user', 'tg-2', '--chat', 'chat-2', '--name', 'Trần Thị Bình', '--role', 'expert', '--topics', 'Mai-Tang, tro-cap'),
    ).toBe('Đã thêm #1 Trần Thị Bình (chuyên gia) · telegram:tg-2 · chat chat-2 · lĩnh vực: mai-tang, tro-cap');
    await cli('user', 'add', '--channel', 'telegram', '--user', 'tg-1', '--chat', 'chat-1', '--name', 'Lê Quản Trị', '--role', 'admin');
    await expect(
      cli('user', 'add', '--channel', 'telegram', '--user', 'tg-2', '--chat', 'c', '--name', 'X', '--role', 'expert'),
    ).rejects.toThrow('Người dùng telegram:tg-2 đã có (mã #1, Trần Thị Bình).');
    await expect(cli('user', 'add', '--channel', 'telegram', '--user', 'u', '--chat', 'c', '--name', 'X', '--role', 'boss')).rejects.toThrow(
      /Allowed choices are official, expert, admin/,
    );

    const listed = (await cli('user', 'list', '--json')).split('\n').map((l) => JSON.parse(l) as { id: number; role: string; topics: string[] });
    expect(listed.map((u) => [u.id, u.role, u.topics])).toEqual([
      [1, 'expert', ['mai-tang', 'tro-cap']],
      [2, 'admin', []],
    ]);
    expect(await cli('user', 'list', '--role', 'admin')).toBe('#2 Lê Quản Trị (quản trị) · telegram:tg-1 · chat chat-1');
    expect(opened).toBe(closed);
  });

  it('lists tickets, records an answer and approves it', async () => {
    await cli('user', 'add', '--channel', 'telegram', '--user', 'tg-2', '--chat', 'chat-2', '--name', 'Trần Thị Bình', '--role', 'expert', '--topics', 'mai-tang');
    await cli('user', 'add', '--channel', 'telegram', '--user', 'tg-1', '--chat', 'chat-1', '--name', 'Lê Quản Trị', '--role', 'admin');
    await cli('user', 'add', '--channel', 'zalo', '--user', 'z-9', '--chat', 'zc-9', '--name', 'Võ Văn Em', '--role', 'official', '--commune', 'Phường 3');
    const ticket = await env.service.createTicket({ asker: ASKER, question: 'Mai táng phí\nbao nhiêu?', topic: 'mai-tang', reason: 'ambiguous' });

    expect(await cli('tickets', '--status', 'open')).toBe(
      `#${ticket.id} [chờ nhận] 2026-03-02 01:00 · mai-tang · Nguyễn Văn An, Xã Tân Phú, telegram\n   Mai táng phí bao nhiêu?`,
    );
    expect(await cli('tickets', '--status', 'relayed')).toBe('Không có câu hỏi nào.');
    await expect(cli('tickets', '--status', 'lost')).rejects.toThrow(/Allowed choices/);

    await expect(cli('answer', String(ticket.id), 'Trả lời', '--expert', '3')).rejects.toThrow(
      'Võ Văn Em (#3) không phải chuyên gia đang hoạt động.',
    );
    await expect(cli('answer', '0', 'Trả lời', '--expert', '1')).rejects.toThrow(/positive whole number/);
    await expect(cli('answer', String(ticket.id), 'Trả lời')).rejects.toThrow(/--expert/);
    expect(await cli('answer', `#${ticket.id}`, 'Bằng 10 lần lương cơ sở.', '--expert', '1')).toBe(
      `Đã ghi câu trả lời cho câu hỏi #${ticket.id}. Tin trả lời sẽ được gửi tới người hỏi qua telegram khi bot đang chạy.`,
    );
    expect((await env.stores.outbox.list({ kind: 'relay' })).map((m) => m.chatId)).toEqual([ASKER.chatId]);

    const json = JSON.parse(await cli('tickets', '--json')) as { id: number; status: string; answer: string };
    expect(json).toMatchObject({ id: ticket.id, status: 'answered', answer: 'Bằng 10 lần lương cơ sở.' });

    await expect(cli('approve', String(ticket.id), '--admin', '1')).rejects.toThrow('Chỉ quản trị viên mới được duyệt câu trả lời.');
    expect(await cli('approve', String(ticket.id), '--admin', '2', '--edit', 'Mai táng phí bằng 10 lần mức lương cơ sở.')).toBe(
      `Đã duyệt câu trả lời của câu hỏi #${ticket.id} (câu trả lời mẫu #1).`,
    );
    expect((await env.stores.curated.listActive()).map((c) => c.answer)).toEqual(['Mai táng phí bằng 10 lần mức lương cơ sở.']);
    expect(opened).toBe(closed);
  });

  it('has help for every command', async () => {
    const program = new Command();
    registerTicketCommands(program, () => Promise.reject(new Error('not opened for help')));
    const names = ['tickets', 'answer', 'approve', 'user'];
    for (const name of names) {
      const command = program.commands.find((c) => c.name() === name)!;
      expect(command.description()).not.toBe('');
      expect(command.helpInformation()).toContain('Usage:');
    }
    const user = program.commands.find((c) => c.name() === 'user')!;
    expect(user.commands.map((c) => c.name())).toEqual(['add', 'list']);
    expect(user.commands[0]!.helpInformation()).toContain('--topics <list>');
  });
});
