import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { AnonymousCsrf } from '../anonymous-csrf.js';
import { accountLimiter, DEFAULT_ACCOUNT_LIMIT, DEFAULT_PAGE_LIMIT, LIMITER_BASE, minutesOf, pageLimiter, type RateWindow } from '../rate-limits.js';
import { normalizeEmail, type WebRole } from './accounts.js';
import { type ConsoleDeps, csrfOf, field, queryParam, stateOf } from './context.js';
import { html } from '../shared/html.js';
import { BCRYPT_MAX_BYTES } from './passwords.js';
import { documentHtml, sendPage } from './layout.js';
import { clearCookie, readCookie, sameSecret, setCookie } from '../shared/cookies.js';
import { SESSION_COOKIE, SESSION_MAX_MS, type Flash } from './sessions.js';

export interface LoginLimit {
  /** Failed sign-ins allowed per client address and window. Default 10. */
  limit: number;
  /** Default 15 minutes. */
  windowMs: number;
  /** Failed sign-ins allowed per account (any client address) and window. Default 10 per 15 minutes. */
  perAccount?: RateWindow;
}

export const DEFAULT_LOGIN_LIMIT: LoginLimit = { limit: 10, windowMs: 15 * 60_000 };

export interface AuthOptions {
  loginLimit: LoginLimit;
  /** Views of the sign-in page per client and window. */
  pageLimit?: RateWindow;
  /** CSRF tokens of the sign-in form (no session exists before sign-in). */
  csrf: AnonymousCsrf;
}

const BAD_CREDENTIALS = 'Thư điện tử hoặc mật khẩu không đúng.';
const TOO_LONG_AT_SIGN_IN = `Mật khẩu dài quá ${BCRYPT_MAX_BYTES} byte thì không thể đúng; nếu mật khẩu của bạn được đặt dài như vậy từ trước, hãy nhờ quản trị viên đặt lại.`;

export const CSRF_REFUSED = 'Yêu cầu bị từ chối vì thiếu mã bảo vệ (CSRF) hoặc mã không đúng. Hãy tải lại trang rồi thử lại.';

/** Loads the session named by the cookie and, when it is signed in, its (active) account. */
export function loadSession(deps: ConsoleDeps): RequestHandler {
  return async (req, _res, next) => {
    const state = stateOf(req);
    const session = await deps.sessions.find(readCookie(req, SESSION_COOKIE));
    if (session) {
      state.session = session;
      state.clearFlash = () => deps.sessions.clearFlash(session.tokenHash);
      if (session.accountId !== undefined) {
        const account = await deps.accounts.get(session.accountId);
        if (account?.active) state.account = account;
      }
    }
    next();
  };
}

/** GET pages send an anonymous visitor to the sign-in page; other requests get 401. */
export function requireSignedIn(req: Request, res: Response, next: NextFunction): void {
  if (stateOf(req).account) return next();
  if (req.method === 'GET' || req.method === 'HEAD') {
    const target = req.originalUrl.startsWith('/') && !req.originalUrl.startsWith('//') ? req.originalUrl : '/console';
    res.redirect(303, `/console/login?next=${encodeURIComponent(target)}`);
    return;
  }
  res.status(401).type('text/plain').send('Bạn cần đăng nhập.');
}

/** 403 for an account without one of `roles`. */
export function requireRole(...roles: WebRole[]): RequestHandler {
  return async (req, res, next) => {
    const account = stateOf(req).account;
    if (account && roles.includes(account.role)) return next();
    if (wantsJson(req)) {
      res.status(403).json({ error: 'Bạn không có quyền thực hiện thao tác này.' });
      return;
    }
    await sendPage(
      req,
      res,
      {
        title: 'Không có quyền truy cập',
        body: html`<p>Tài khoản của bạn không có quyền thực hiện thao tác này. Chỉ quản trị viên mới được quản lý tài liệu, người dùng và câu trả lời mẫu.</p>
          <p><a href="/console">Về bảng điều khiển</a></p>`,
      },
      403,
    );
  };
}

/** Every state-changing request must echo the session's CSRF token (form field `_csrf` or header `X-CSRF-Token`). */
export function requireCsrf(req: Request, res: Response, next: NextFunction): void {
  if (isCsrfValid(req)) return next();
  if (wantsJson(req)) {
    res.status(403).json({ error: CSRF_REFUSED });
    return;
  }
  res.status(403).type('html').send(documentHtml({ title: 'Yêu cầu bị từ chối', body: html`<p>${CSRF_REFUSED}</p><p><a href="/console">Về trang quản trị</a></p>`, account: stateOf(req).account, csrf: csrfOf(req) }));
}

export function isCsrfValid(req: Request): boolean {
  const session = stateOf(req).session;
  if (!session) return false;
  const header = req.get('x-csrf-token');
  const sent = header ?? field(req, '_csrf');
  return sameSecret(sent, session.csrfToken);
}

function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/') || req.path.endsWith('.json') || (req.get('accept') ?? '').includes('application/json');
}

/** Stores a message shown on the next page. */
export async function flash(deps: ConsoleDeps, req: Request, message: Flash): Promise<void> {
  const session = stateOf(req).session;
  if (session) await deps.sessions.setFlash(session.tokenHash, message);
}

/** Where to go after signing in: a local console path only (no open redirect). */
function safeNext(value: string): string {
  return /^\/(console|chat)(\/[^\s\\]*)?(\?[^\s\\]*)?$/.test(value) && !value.startsWith('//') ? value : '/console';
}

/** A 429 page of the console. */
function tooMany(res: Response, text: string): void {
  res.status(429).type('html').send(documentHtml({ title: 'Tạm khóa', body: html`<p class="flash flash-error" role="alert">${text}</p>` }));
}

/** The typed password, untrimmed (a password may end in a space). */
function passwordField(req: Request): string {
  const value = (req.body as Record<string, unknown> | undefined)?.['password'];
  return typeof value === 'string' ? value : '';
}

/**
 * `GET /console/login`, `POST /console/login` and `POST /console/logout`. Nothing is stored for a visitor
 * before sign-in: the form's CSRF token is a signed double-submit token. Page views are rate-limited per
 * client; failed sign-ins per client address and, separately, per account (whatever the address). Signing in
 * makes a new session (new token, new CSRF token), so a session id planted before sign-in is useless. A
 * failed sign-in is logged with the client address and, when the typed e-mail is an account's, its id —
 * never what was typed.
 */
export function mountAuth(router: Router, deps: ConsoleDeps, options: AuthOptions): void {
  const limit = options.loginLimit;
  const perAccount = limit.perAccount ?? DEFAULT_ACCOUNT_LIMIT;
  const renderLogin = async (req: Request, res: Response, status: number, error?: string, email = '') => {
    const token = await options.csrf.issue(req, res, 'login');
    const next = safeNext(queryParam(req, 'next') || field(req, 'next'));
    res
      .status(status)
      .type('html')
      .send(
        documentHtml({
          title: 'Đăng nhập',
          flash: error ? { kind: 'error', text: error } : undefined,
          body: html`<form method="post" action="/console/login" class="card narrow">
            <input type="hidden" name="_csrf" value="${token}">
            <input type="hidden" name="next" value="${next}">
            <label>Thư điện tử <input type="email" name="email" autocomplete="username" required value="${email}"></label>
            <label>Mật khẩu <input type="password" name="password" autocomplete="current-password" required></label>
            <button type="submit">Đăng nhập</button>
          </form>
          <p class="muted">Trang dành cho quản trị viên và chuyên gia. Cán bộ xã hỏi đáp tại <a href="/chat">trang trò chuyện</a>.</p>`,
        }),
      );
  };

  const pages = pageLimiter(options.pageLimit ?? DEFAULT_PAGE_LIMIT, (_req, res) => tooMany(res, 'Bạn mở trang đăng nhập quá nhiều lần. Vui lòng chờ một phút rồi thử lại.'));
  router.get('/login', pages, async (req, res) => {
    if (stateOf(req).account) {
      res.redirect(303, '/console');
      return;
    }
    await renderLogin(req, res, 200);
  });

  const perClient = rateLimit({
    ...LIMITER_BASE,
    windowMs: limit.windowMs,
    limit: limit.limit,
    identifier: 'sign-in',
    skipSuccessfulRequests: true,
    handler: (_req, res) => tooMany(res, `Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ${minutesOf(limit)} phút.`),
  });
  const emailOf = (req: Request) => normalizeEmail(field(req, 'email'));
  const perAccountLimiter = accountLimiter(perAccount, emailOf, 401, (_req, res) =>
    tooMany(res, `Tài khoản này bị nhập sai mật khẩu quá nhiều lần nên tạm khóa đăng nhập. Vui lòng thử lại sau ${minutesOf(perAccount)} phút.`),
  );

  router.post('/login', perClient, perAccountLimiter, async (req, res) => {
    const sent = req.get('x-csrf-token') ?? field(req, '_csrf');
    if (!isCsrfValid(req) && !(await options.csrf.verify(req, 'login', sent))) {
      await renderLogin(req, res, 403, CSRF_REFUSED);
      return;
    }
    const email = field(req, 'email');
    const password = passwordField(req);
    const account = email && password ? await deps.accounts.verify(email, password) : undefined;
    if (!account) {
      const known = email ? await deps.accounts.findByEmail(email) : undefined;
      deps.logger.warn({ ip: req.ip, ...(known && { accountId: known.id }) }, 'console sign-in failed');
      const tooLong = Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_BYTES;
      await renderLogin(req, res, 401, tooLong ? `${BAD_CREDENTIALS} ${TOO_LONG_AT_SIGN_IN}` : BAD_CREDENTIALS, email);
      return;
    }
    const old = stateOf(req).session;
    if (old) await deps.sessions.destroy(old.tokenHash);
    await deps.sessions.prune();
    const { token } = await deps.sessions.create(account.id);
    setCookie(res, SESSION_COOKIE, token, deps.cookies, SESSION_MAX_MS);
    await deps.accounts.recordLogin(account.id, deps.now().toISOString());
    await deps.audit.record({ accountId: account.id, actor: account.email, action: 'account.login', target: `account:${account.id}` });
    res.redirect(303, safeNext(field(req, 'next')));
  });

  router.post('/logout', requireCsrf, async (req, res) => {
    const state = stateOf(req);
    if (state.session) await deps.sessions.destroy(state.session.tokenHash);
    if (state.account) await deps.audit.record({ accountId: state.account.id, actor: state.account.email, action: 'account.logout', target: `account:${state.account.id}` });
    clearCookie(res, SESSION_COOKIE, deps.cookies);
    res.redirect(303, '/console/login');
  });
}
