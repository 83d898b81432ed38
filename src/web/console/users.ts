import express, { type Request, type Router } from 'express';
import { EscalationError } from '../../escalation/errors.js';
import { normalizeTopics } from '../../escalation/topics.js';
import { ROLES, type Role, type User } from '../../escalation/types.js';
import { isValidEmail, MAX_PASSWORD_BYTES, MIN_PASSWORD_LENGTH, normalizeEmail, passwordProblem, WEB_ROLES, WebAccountStore, type WebAccount, type WebRole } from './accounts.js';
import { flash, requireCsrf } from './auth.js';
import { accountOf, type ConsoleDeps, type ConsoleServices, field, idParam, stateOf } from './context.js';
import { formatDateTime, html } from '../shared/html.js';
import { CHANNEL_LABELS, label, ROLE_LABELS } from './labels.js';
import { csrfField, sendPage } from './layout.js';

/** The channel of escalation users created for console-only accounts. */
export const WEB_CHANNEL = 'web';

/**
 * The escalation user a console account acts as: created on channel 'web' (chat id `console:<email>`,
 * so notifications to it land in the web chat store) when the account has none.
 */
export async function createLinkedUser(app: Pick<ConsoleServices, 'stores'>, input: { email: string; role: WebRole; displayName: string; topics?: string[] }, now: string): Promise<User> {
  const email = normalizeEmail(input.email);
  const existing = await app.stores.users.findByChannelUser(WEB_CHANNEL, `console:${email}`);
  if (existing) {
    return (await app.stores.users.update(existing.id, { role: input.role, approved: true, active: true }, now)) ?? existing;
  }
  return app.stores.users.add(
    { channel: WEB_CHANNEL, channelUserId: `console:${email}`, chatId: `console:${email}`, displayName: input.displayName, role: input.role, topics: input.topics ?? [], approved: true },
    now,
  );
}

/**
 * Creates the first admin account at start-up from `ADMIN_EMAIL` / `ADMIN_PASSWORD`: an active admin web
 * account linked to an approved, active admin user. When an account with that e-mail exists it is kept as an
 * admin (role, activity and linked user repaired) but its password is never touched: a password changed in
 * the console survives restarts. Safe to call on every start.
 *
 * @example
 * if (config.admin) await bootstrapAdmin(app, config.admin.email, config.admin.password);
 */
export async function bootstrapAdmin(app: Pick<ConsoleServices, 'repos' | 'stores'>, email: string, password: string): Promise<WebAccount> {
  const address = normalizeEmail(email);
  if (!isValidEmail(address)) throw new Error('ADMIN_EMAIL: địa chỉ thư điện tử không hợp lệ.');
  const accounts = new WebAccountStore(app.repos.webAccounts);
  const now = new Date().toISOString();
  const existing = await accounts.findByEmail(address);
  if (existing) {
    const user = await app.stores.users.get(existing.userId);
    const linked = user ? await app.stores.users.update(user.id, { role: 'admin', approved: true, active: true }, now) : await createLinkedUser(app, { email: address, role: 'admin', displayName: 'Quản trị viên' }, now);
    await accounts.update(existing.id, { role: 'admin', active: true, userId: linked!.id }, now);
    return (await accounts.get(existing.id))!;
  }
  const problem = passwordProblem(password, address);
  if (problem) throw new Error(`ADMIN_PASSWORD: ${problem}`);
  const user = await createLinkedUser(app, { email: address, role: 'admin', displayName: 'Quản trị viên' }, now);
  const account = await accounts.create({ email: address, password, role: 'admin', userId: user.id }, now);
  await app.repos.audit.append({ at: now, accountId: account.id, actor: 'hệ thống', action: 'account.bootstrap', target: `account:${account.id}`, detail: { email: address } });
  return account;
}

/** Escalation users (approve officials, roles, expert topics) and console accounts (admins only). */
export function usersRouter(deps: ConsoleDeps): Router {
  const router = express.Router();
  const { app } = deps;
  const audit = (req: Request, action: string, target: string, detail: Record<string, unknown> = {}) => {
    const account = accountOf(req);
    return deps.audit.record({ accountId: account.id, actor: account.email, action, target, detail });
  };

  router.get('/', async (req, res) => {
    const users = await app.stores.users.list();
    const accounts = await deps.accounts.list();
    const byId = new Map(users.map((u) => [u.id, u]));
    const waiting = users.filter((u) => u.role === 'official' && !u.approved);
    const option = (value: string, text: string, selected: string) => html`<option value="${value}"${value === selected ? html` selected` : ''}>${text}</option>`;
    await sendPage(req, res, {
      title: 'Người dùng',
      nav: 'users',
      body: html`
      ${waiting.length
        ? html`<section class="card"><h2>Cán bộ chờ duyệt (${waiting.length})</h2>
            <ul class="plain">${waiting.map(
              (u) => html`<li>${u.displayName}${u.commune ? ` · ${u.commune}` : ''} · ${label(CHANNEL_LABELS, u.channel)}
                <form method="post" action="/console/users/${u.id}" class="inline">
                  ${csrfField(req)}
                  <input type="hidden" name="role" value="${u.role}">
                  <input type="hidden" name="topics" value="${u.topics.join(', ')}">
                  <input type="hidden" name="approved" value="on">
                  <input type="hidden" name="active" value="${u.active ? 'on' : ''}">
                  <button type="submit">Duyệt</button>
                </form></li>`,
            )}</ul></section>`
        : ''}
      <h2>Người dùng trên các kênh (${users.length})</h2>
      <div class="table-wrap"><table class="responsive">
        <thead><tr><th>Người dùng</th><th>Kênh</th><th>Vai trò</th><th>Lĩnh vực (chuyên gia)</th><th>Đã duyệt</th><th>Hoạt động</th><th></th></tr></thead>
        <tbody>${users.map(
          (u) => html`<tr>
            <td data-label="Người dùng"><strong>${u.displayName}</strong> <small class="muted">#${u.id}</small>${u.commune ? html`<br><small>${u.commune}</small>` : ''}</td>
            <td data-label="Kênh">${label(CHANNEL_LABELS, u.channel)}<br><small class="muted">${u.channelUserId}</small></td>
            <td data-label="Vai trò"><select name="role" form="user-${u.id}" aria-label="Vai trò">${ROLES.map((r) => option(r, ROLE_LABELS[r], u.role))}</select></td>
            <td data-label="Lĩnh vực"><input name="topics" form="user-${u.id}" value="${u.topics.join(', ')}" placeholder="mai-tang, liet-si" aria-label="Lĩnh vực"></td>
            <td data-label="Đã duyệt"><input type="checkbox" name="approved" form="user-${u.id}" aria-label="Đã duyệt"${u.approved ? html` checked` : ''}></td>
            <td data-label="Hoạt động"><input type="checkbox" name="active" form="user-${u.id}" aria-label="Hoạt động"${u.active ? html` checked` : ''}></td>
            <td><form method="post" action="/console/users/${u.id}" id="user-${u.id}" class="inline">${csrfField(req)}<button type="submit" class="secondary">Lưu</button></form></td>
          </tr>`,
        )}</tbody>
      </table></div>

      <h2>Tài khoản trang quản trị (${accounts.length})</h2>
      <div class="table-wrap"><table class="responsive">
        <thead><tr><th>Thư điện tử</th><th>Quyền</th><th>Người dùng gắn kèm</th><th>Đăng nhập gần nhất</th><th>Trạng thái</th><th>Đặt lại mật khẩu</th></tr></thead>
        <tbody>${accounts.map(
          (a) => html`<tr>
            <td data-label="Thư điện tử">${a.email}</td>
            <td data-label="Quyền">${a.role === 'admin' ? 'Quản trị viên' : 'Chuyên gia'}</td>
            <td data-label="Người dùng">${byId.get(a.userId)?.displayName ?? '?'} <small class="muted">#${a.userId}</small></td>
            <td data-label="Đăng nhập">${formatDateTime(a.lastLoginAt) || 'Chưa'}</td>
            <td data-label="Trạng thái"><form method="post" action="/console/users/accounts/${a.id}/active" class="inline">
              ${csrfField(req)}<input type="hidden" name="active" value="${a.active ? '' : 'on'}">
              ${a.active ? 'Đang hoạt động' : 'Đã khóa'} <button type="submit" class="link">${a.active ? 'Khóa' : 'Mở khóa'}</button></form></td>
            <td data-label="Mật khẩu mới"><form method="post" action="/console/users/accounts/${a.id}/password" class="inline row">
              ${csrfField(req)}<input type="password" name="password" minlength="${MIN_PASSWORD_LENGTH}" autocomplete="new-password" placeholder="Mật khẩu mới" aria-label="Mật khẩu mới" required>
              <button type="submit" class="secondary">Đặt</button></form></td>
          </tr>`,
        )}</tbody>
      </table></div>

      <section class="card">
        <h2>Tạo tài khoản trang quản trị</h2>
        <form method="post" action="/console/users/accounts" class="grid">
          ${csrfField(req)}
          <label>Thư điện tử <input type="email" name="email" required autocomplete="off"></label>
          <label>Mật khẩu (${MIN_PASSWORD_LENGTH} ký tự trở lên, tối đa ${MAX_PASSWORD_BYTES} byte, khó đoán) <input type="password" name="password" minlength="${MIN_PASSWORD_LENGTH}" required autocomplete="new-password"></label>
          <label>Quyền <select name="role">${option('expert', 'Chuyên gia', 'expert')}${option('admin', 'Quản trị viên', 'expert')}</select></label>
          <label>Gắn với người dùng <select name="user_id">
            ${option('new', 'Tạo người dùng mới cho tài khoản này', 'new')}
            ${users.filter((u) => u.role !== 'official').map((u) => option(String(u.id), `${u.displayName} (#${u.id}, ${ROLE_LABELS[u.role]}, ${label(CHANNEL_LABELS, u.channel)})`, 'new'))}
          </select></label>
          <label>Họ tên (khi tạo người dùng mới) <input name="display_name" placeholder="Nguyễn Thị Hoa"></label>
          <label>Lĩnh vực (chuyên gia) <input name="topics" placeholder="mai-tang, liet-si"></label>
          <button type="submit">Tạo tài khoản</button>
        </form>
      </section>`,
    });
  });

  router.post('/accounts', requireCsrf, async (req, res) => {
    const email = normalizeEmail(field(req, 'email'));
    const password = typeof (req.body as Record<string, unknown>)['password'] === 'string' ? ((req.body as Record<string, string>)['password'] ?? '') : '';
    const role = field(req, 'role') as WebRole;
    const link = field(req, 'user_id');
    const problems: string[] = [];
    if (!isValidEmail(email)) problems.push('Thư điện tử không hợp lệ.');
    const weak = passwordProblem(password, email);
    if (weak) problems.push(weak);
    if (!WEB_ROLES.includes(role)) problems.push('Quyền không hợp lệ.');
    if (await deps.accounts.findByEmail(email)) problems.push('Thư điện tử này đã có tài khoản.');
    let linked: User | undefined;
    if (link !== 'new') {
      linked = /^\d+$/.test(link) ? await app.stores.users.get(Number(link)) : undefined;
      if (!linked) problems.push('Không tìm thấy người dùng để gắn.');
      else if (role === 'admin' && linked.role !== 'admin') problems.push('Tài khoản quản trị phải gắn với người dùng có vai trò quản trị viên.');
      else if (role === 'expert' && linked.role === 'official') problems.push('Tài khoản chuyên gia phải gắn với người dùng có vai trò chuyên gia.');
    } else if (!field(req, 'display_name')) {
      problems.push('Hãy nhập họ tên cho người dùng mới.');
    }
    if (problems.length) {
      await flash(deps, req, { kind: 'error', text: problems.join(' ') });
      res.redirect(303, '/console/users');
      return;
    }
    const now = deps.now().toISOString();
    try {
      linked ??= await createLinkedUser(app, { email, role, displayName: field(req, 'display_name'), topics: normalizeTopics(field(req, 'topics').split(',')) }, now);
      const account = await deps.accounts.create({ email, password, role, userId: linked.id }, now);
      await audit(req, 'account.create', `account:${account.id}`, { email, role, userId: linked.id });
      await flash(deps, req, { kind: 'ok', text: `Đã tạo tài khoản ${email}.` });
    } catch (error) {
      if (!(error instanceof EscalationError)) throw error;
      await flash(deps, req, { kind: 'error', text: error.message });
    }
    res.redirect(303, '/console/users');
  });

  router.post('/accounts/:id/active', requireCsrf, async (req, res) => {
    const id = idParam(req);
    const active = field(req, 'active') === 'on';
    const account = id === undefined ? undefined : await deps.accounts.get(id);
    if (!account) {
      await flash(deps, req, { kind: 'error', text: 'Không tìm thấy tài khoản.' });
    } else if (account.id === accountOf(req).id && !active) {
      await flash(deps, req, { kind: 'error', text: 'Bạn không thể tự khóa tài khoản của mình.' });
    } else {
      await deps.accounts.update(account.id, { active }, deps.now().toISOString());
      if (!active) await deps.sessions.destroyForAccount(account.id);
      await audit(req, active ? 'account.unlock' : 'account.lock', `account:${account.id}`, { email: account.email });
      await flash(deps, req, { kind: 'ok', text: active ? `Đã mở khóa ${account.email}.` : `Đã khóa ${account.email}.` });
    }
    res.redirect(303, '/console/users');
  });

  router.post('/accounts/:id/password', requireCsrf, async (req, res) => {
    const id = idParam(req);
    const password = typeof (req.body as Record<string, unknown>)['password'] === 'string' ? ((req.body as Record<string, string>)['password'] ?? '') : '';
    const account = id === undefined ? undefined : await deps.accounts.get(id);
    const weak = passwordProblem(password, account?.email);
    if (!account) {
      await flash(deps, req, { kind: 'error', text: 'Không tìm thấy tài khoản.' });
    } else if (weak) {
      await flash(deps, req, { kind: 'error', text: weak });
    } else {
      await deps.accounts.setPassword(account.id, password, deps.now().toISOString());
      const current = stateOf(req).session;
      // Every other session of the account ends; whoever changed their own password stays signed in here.
      if (account.id === accountOf(req).id && current) await deps.sessions.destroyOthersForAccount(account.id, current.tokenHash);
      else await deps.sessions.destroyForAccount(account.id);
      await audit(req, 'account.password', `account:${account.id}`, { email: account.email });
      await flash(deps, req, { kind: 'ok', text: `Đã đặt mật khẩu mới cho ${account.email}.` });
    }
    res.redirect(303, '/console/users');
  });

  router.post('/:id', requireCsrf, async (req, res) => {
    const id = idParam(req);
    const user = id === undefined ? undefined : await app.stores.users.get(id);
    const role = field(req, 'role') as Role;
    const me = accountOf(req);
    if (!user) {
      await flash(deps, req, { kind: 'error', text: 'Không tìm thấy người dùng.' });
    } else if (!ROLES.includes(role)) {
      await flash(deps, req, { kind: 'error', text: 'Vai trò không hợp lệ.' });
    } else {
      const patch = {
        role,
        topics: normalizeTopics(field(req, 'topics').split(/[,;]/)),
        approved: field(req, 'approved') === 'on',
        active: field(req, 'active') === 'on',
      };
      if (user.id === me.userId && (patch.role !== user.role || !patch.active || !patch.approved)) {
        await flash(deps, req, { kind: 'error', text: 'Bạn không thể tự đổi vai trò, bỏ duyệt hoặc khóa người dùng gắn với tài khoản của mình.' });
      } else {
        await app.stores.users.update(user.id, patch, deps.now().toISOString());
        const changed = Object.fromEntries(
          Object.entries(patch).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify((user as unknown as Record<string, unknown>)[k])),
        );
        await audit(req, 'user.update', `user:${user.id}`, { name: user.displayName, ...changed });
        await flash(deps, req, { kind: 'ok', text: `Đã lưu người dùng ${user.displayName}.` });
      }
    }
    res.redirect(303, '/console/users');
  });

  return router;
}
