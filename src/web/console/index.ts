import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Logger } from '../../logger.js';
import { AnonymousCsrf } from '../anonymous-csrf.js';
import { webChatRouter, type WebChatServices } from '../chat/index.js';
import type { RateWindow } from '../rate-limits.js';
import { WebAccountStore } from './accounts.js';
import { AuditLog } from './audit.js';
import { auditHandler } from './audit-page.js';
import { type AuthOptions, DEFAULT_LOGIN_LIMIT, loadSession, mountAuth, requireRole, requireSignedIn, type LoginLimit } from './auth.js';
import { csrfOf, stateOf, type ConsoleDeps, type ConsoleServices } from './context.js';
import { curatedRouter } from './curated.js';
import { createImpactService } from '../../curation/impact.js';
import { impactRouter } from './impact.js';
import { dashboardHandler } from './dashboard.js';
import { exportsRouter } from './exports.js';
import { followUpsRouter } from './follow-ups.js';
import { formsRouter } from './forms.js';
import { html } from '../shared/html.js';
import { IndexJobs } from './knowledge/index-jobs.js';
import { knowledgeRouter } from './knowledge/pages.js';
import { documentHtml, sendPage } from './layout.js';
import { noticesRouter } from './notices.js';
import { SessionStore } from './sessions.js';
import { ticketsRouter } from './tickets.js';
import { usersRouter } from './users.js';
import { chatPaperAnswererFor } from '../../channels/chat-files/paper-answerer.js';

export { bootstrapAdmin } from './users.js';
export { createWebChatAdapter, createWebChatPort } from '../chat/index.js';
export { WebAccountStore } from './accounts.js';
export type { LoginLimit } from './auth.js';
export type { RateWindow } from '../rate-limits.js';

export interface WebConsoleOptions {
  /** The services of the console and of the web chat it mounts (the App provides them). */
  app: ConsoleServices & WebChatServices;
  logger: Logger;
  /** Mark cookies Secure always. Default false: Secure only when the request is HTTPS (as a trusted proxy says). */
  secureCookies?: boolean;
  /** Anyone may use /chat (default true); when false only signed-in console accounts may. */
  chatPublic?: boolean;
  /** Failed sign-ins allowed per client address and window. Default 10 per 15 minutes. */
  loginLimit?: LoginLimit;
  /** Web chat questions per client address and minute. Default 30. */
  chatQuestionsPerMinute?: number;
  /** Views of /chat and of the sign-in page per client address (each). Default 60 per minute. */
  pageLimit?: RateWindow;
  /** The clock (tests). */
  now?: () => Date;
}

/** The folder of the static assets (CSS and scripts). */
export const PUBLIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../public');
/** Chart.js's UMD build, served from node_modules (no CDN). */
export const CHART_JS_FILE = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every console, chat and static response: a strict CSP (no inline script), no framing, no sniffing. */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
  });
  next();
};

/**
 * Mounts the web console (`/console`: sign-in, dashboard, tickets, knowledge, curated answers, users,
 * notices and follow-ups, journal, CSV exports), the web chat (`/chat`) and their static assets (`/static`) on an express app —
 * pass the result as `mount` to `createHttpApp` / `BotServer.start`.
 *
 * @example
 * const mount = createWebConsole({ app, logger, secureCookies: true, chatPublic: false });
 * await BotServer.start({ app, logger, host, port, adapters: () => [createWebChatAdapter(app)], mount });
 */
export function createWebConsole(options: WebConsoleOptions): (expressApp: Express) => void {
  const { app, logger } = options;
  const now = options.now ?? (() => new Date());
  const deps: ConsoleDeps = {
    app,
    logger,
    accounts: new WebAccountStore(app.repos.webAccounts),
    sessions: new SessionStore(app.repos.sessions, now),
    audit: new AuditLog(app.repos.audit, now),
    cookies: { secure: options.secureCookies ?? false },
    indexer: new IndexJobs(app.kb, logger, now),
    impact: createImpactService(app, now),
    now,
  };
  const csrf = AnonymousCsrf.fromState(app.repos.channelState, deps.cookies);
  const auth: AuthOptions = { loginLimit: options.loginLimit ?? DEFAULT_LOGIN_LIMIT, pageLimit: options.pageLimit, csrf };

  return (expressApp) => {
    const statics = express.Router();
    statics.use(securityHeaders);
    statics.get('/vendor/chart.umd.min.js', (_req, res) => {
      res.set('Cache-Control', 'public, max-age=86400').sendFile(CHART_JS_FILE);
    });
    statics.use(express.static(PUBLIC_DIR, { index: false, dotfiles: 'ignore', maxAge: '1h', fallthrough: true }));
    expressApp.use('/static', statics);

    expressApp.use('/console', consoleRouter(deps, auth, app.log));

    const chatPublic = options.chatPublic ?? true;
    const papers = chatPaperAnswererFor(app, logger);
    const chat = express.Router();
    chat.use(securityHeaders);
    if (!chatPublic) {
      chat.use(loadSession(deps));
      chat.use((req, res, next) => {
        if (stateOf(req).account) return next();
        if (req.method === 'GET' && !req.path.startsWith('/api/')) {
          res.redirect(303, '/console/login?next=/chat');
          return;
        }
        res.status(401).json({ error: 'Bạn cần đăng nhập để dùng trang hỏi đáp.' });
      });
    }
    chat.use(
      webChatRouter({
        app, logger, cookies: deps.cookies, consoleLink: !chatPublic, questionsPerMinute: options.chatQuestionsPerMinute, pageLimit: options.pageLimit, csrf, now,
        ...(papers && { papers }),
        ...(app.config.chatFiles && { maxFileBytes: app.config.chatFiles.maxBytes }),
      }),
    );
    expressApp.use('/chat', chat);
    expressApp.get('/', (_req, res) => res.redirect(302, chatPublic ? '/chat' : '/console'));
  };
}

function consoleRouter(deps: ConsoleDeps, auth: AuthOptions, log: WebChatServices['log']): express.Router {
  const router = express.Router();
  router.use(securityHeaders);
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(express.urlencoded({ extended: false, limit: '3mb', parameterLimit: 2000 }));
  router.use(loadSession(deps));
  mountAuth(router, deps, auth);

  router.use(requireSignedIn);
  router.get('/', dashboardHandler(deps));
  router.use('/tickets', ticketsRouter(deps));
  router.use('/knowledge', requireRole('admin'), knowledgeRouter(deps));
  router.use('/forms', requireRole('admin'), formsRouter(deps));
  router.use('/curated', requireRole('admin'), curatedRouter(deps));
  router.use('/impact', requireRole('admin'), impactRouter(deps, deps.impact));
  router.use('/users', requireRole('admin'), usersRouter(deps));
  router.use('/notices', requireRole('admin'), noticesRouter(deps));
  router.use('/follow-ups', requireRole('admin'), followUpsRouter(deps, log));
  router.get('/audit', requireRole('admin'), auditHandler(deps));
  router.use('/export', requireRole('admin'), exportsRouter(deps));

  router.use(async (req, res) => {
    await sendPage(req, res, { title: 'Không tìm thấy trang', body: html`<p><a href="/console">Về bảng điều khiển</a></p>` }, 404);
  });

  const onError: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    const e = error as { status?: number; statusCode?: number; type?: string };
    const status = e.status ?? e.statusCode ?? 500;
    if (status >= 500) deps.logger.error({ err: error, path: req.originalUrl }, 'console request failed');
    else deps.logger.warn({ path: req.originalUrl, status, type: e.type }, 'console request refused');
    if (res.headersSent) return;
    const text =
      e.type === 'entity.too.large'
        ? 'Nội dung gửi lên quá lớn.'
        : status >= 500
          ? 'Đã có lỗi xảy ra. Vui lòng thử lại; nếu vẫn lỗi, hãy báo quản trị viên.'
          : 'Yêu cầu không hợp lệ.';
    res
      .status(status)
      .type('html')
      .send(documentHtml({ title: 'Có lỗi', body: html`<p class="flash flash-error" role="alert">${text}</p><p><a href="/console">Về bảng điều khiển</a></p>`, account: stateOf(req).account, csrf: csrfOf(req) }));
  };
  router.use(onError);
  return router;
}
