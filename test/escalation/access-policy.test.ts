import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessPolicy } from '../../src/escalation/access-policy.js';
import { ASKER, disposeEnv, openEnv, seedStaff, type Env, type Staff } from './harness.js';

let env: Env;
let staff: Staff;

beforeEach(async () => {
  env = await openEnv();
  staff = await seedStaff(env.stores, env.clock.iso());
});

afterEach(() => disposeEnv(env));

const stranger = { ...ASKER, userId: 'tg-999', chatId: 'chat-999' };

describe('AccessPolicy', () => {
  it("lets anyone ask in 'open' mode (the default)", async () => {
    const policy = new AccessPolicy(env.stores.users);
    expect(policy.mode).toBe('open');
    expect(await policy.mayAsk(stranger)).toBe(true);
  });

  it("in 'registered' mode refuses unknown, unapproved and inactive askers", async () => {
    const policy = new AccessPolicy(env.stores.users, 'registered');
    expect(await policy.mayAsk(ASKER)).toBe(true); // the approved official
    expect(await policy.mayAsk(stranger)).toBe(false);
    expect(await policy.mayAsk({ channel: 'zalo', userId: ASKER.userId })).toBe(false); // same id, other channel

    await env.stores.users.update(staff.official.id, { approved: false }, env.clock.iso());
    expect(await policy.mayAsk(ASKER)).toBe(false);
    await env.stores.users.update(staff.official.id, { approved: true, active: false }, env.clock.iso());
    expect(await policy.mayAsk(ASKER)).toBe(false);
  });

  it('is enforced by the service when it creates a ticket', async () => {
    const guarded = await openEnv({ access: new AccessPolicy(env.stores.users, 'registered') }, { root: env.root, clock: env.clock });
    try {
      await expect(guarded.service.createTicket({ asker: stranger, question: 'Cho hỏi?', reason: 'user_request' })).rejects.toMatchObject({
        code: 'forbidden',
        message: 'Tài khoản của bạn chưa được đăng ký sử dụng Trợ lý Xã.',
      });
      expect(await guarded.service.listTickets()).toEqual([]);
      const ok = await guarded.service.createTicket({ asker: ASKER, question: 'Cho hỏi?', reason: 'user_request' });
      expect(ok.status).toBe('open');
    } finally {
      await guarded.db.close();
    }
  });

  it('checks roles: expert, admin, and who may answer', async () => {
    const policy = new AccessPolicy(env.stores.users);
    expect(policy.isExpert(staff.maiTang)).toBe(true);
    expect(policy.isExpert(staff.admin)).toBe(false);
    expect(policy.isAdmin(staff.admin)).toBe(true);
    expect(policy.isAdmin(staff.maiTang)).toBe(false);
    expect(policy.mayAnswer(staff.admin)).toBe(true);
    expect(policy.mayAnswer(staff.official)).toBe(false);
    expect(policy.mayAnswer(undefined)).toBe(false);
    expect(policy.isExpert({ ...staff.maiTang, active: false })).toBe(false);
    expect(policy.isAdmin({ ...staff.admin, approved: false })).toBe(false);
  });
});
