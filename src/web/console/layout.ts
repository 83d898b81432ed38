import type { Request, Response } from 'express';
import type { WebAccount } from './accounts.js';
import { csrfOf, stateOf } from './context.js';
import { html, type SafeHtml } from '../shared/html.js';
import type { Flash } from './sessions.js';

export type NavKey = 'dashboard' | 'tickets' | 'knowledge' | 'forms' | 'curated' | 'impact' | 'users' | 'notices' | 'audit' | 'chat';

const NAV: { key: NavKey; href: string; label: string; adminOnly: boolean }[] = [
  { key: 'dashboard', href: '/console', label: 'Bảng điều khiển', adminOnly: false },
  { key: 'tickets', href: '/console/tickets', label: 'Phiếu hỏi', adminOnly: false },
  { key: 'knowledge', href: '/console/knowledge', label: 'Tri thức', adminOnly: true },
  { key: 'forms', href: '/console/forms', label: 'Biểu mẫu', adminOnly: true },
  { key: 'curated', href: '/console/curated', label: 'Câu trả lời mẫu', adminOnly: true },
  { key: 'impact', href: '/console/impact', label: 'Ảnh hưởng', adminOnly: true },
  { key: 'users', href: '/console/users', label: 'Người dùng', adminOnly: true },
  { key: 'notices', href: '/console/notices', label: 'Thông báo', adminOnly: true },
  { key: 'audit', href: '/console/audit', label: 'Nhật ký', adminOnly: true },
  { key: 'chat', href: '/chat', label: 'Trò chuyện', adminOnly: false },
];

export interface PageOptions {
  title: string;
  body: SafeHtml;
  nav?: NavKey;
  /** Extra scripts from /static (e.g. the chart library). */
  scripts?: string[];
  flash?: Flash;
}

/** The HTML document around a page: head, header with the nav (by role), flash message, main. */
export function documentHtml(options: PageOptions & { account?: WebAccount; csrf?: string }): string {
  const { account } = options;
  const nav = account
    ? html`<nav class="nav" aria-label="Mục chính">
        ${NAV.filter((n) => !n.adminOnly || account.role === 'admin').map(
          (n) => html`<a href="${n.href}"${n.key === options.nav ? html` aria-current="page" class="active"` : ''}>${n.label}</a>`,
        )}
      </nav>
      <div class="who">
        <span title="${account.email}">${account.email}</span>
        <span class="badge">${account.role === 'admin' ? 'Quản trị viên' : 'Chuyên gia'}</span>
        <form method="post" action="/console/logout" class="inline">
          <input type="hidden" name="_csrf" value="${options.csrf ?? ''}">
          <button type="submit" class="link">Đăng xuất</button>
        </form>
      </div>`
    : '';
  const flash = options.flash
    ? html`<div class="flash flash-${options.flash.kind}" role="${options.flash.kind === 'error' ? 'alert' : 'status'}">${options.flash.text}</div>`
    : '';
  return html`<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Trợ lý Xã</title>
<link rel="stylesheet" href="/static/console.css">
${(options.scripts ?? []).map((s) => html`<script src="${s}" defer></script>`)}
<script src="/static/console.js" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/console">Trợ lý Xã <small>Quản trị</small></a>
  ${nav}
</header>
<main>
${flash}
<h1>${options.title}</h1>
${options.body}
</main>
</body>
</html>`.toString();
}

/** Renders a console page for the signed-in account, showing (and clearing) the session's flash message. */
export async function sendPage(req: Request, res: Response, options: PageOptions, status = 200): Promise<void> {
  const state = stateOf(req);
  const flash = options.flash ?? state.session?.flash;
  if (state.session?.flash && !options.flash) await state.clearFlash?.();
  res
    .status(status)
    .type('html')
    .send(documentHtml({ ...options, flash, account: state.account, csrf: csrfOf(req) }));
}

/** A hidden field with the session's CSRF token, for every POST form. */
export function csrfField(req: Request): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrfOf(req)}">`;
}

/** A one-button POST form (claim, retire, delete…). */
export function actionButton(req: Request, action: string, label: string, options: { confirm?: string; className?: string; fields?: Record<string, string> } = {}): SafeHtml {
  return html`<form method="post" action="${action}" class="inline"${options.confirm ? html` data-confirm="${options.confirm}"` : ''}>
    ${csrfField(req)}
    ${Object.entries(options.fields ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
    <button type="submit" class="${options.className ?? 'secondary'}">${label}</button>
  </form>`;
}

/**
 * A file field with a Vietnamese button ("Chọn tệp…") and the chosen file's name, instead of the
 * browser's own English one. The real input stays in the form (visually hidden, still focusable and
 * `required`); without script the line says whether a file is chosen, with script it shows its name.
 */
export function fileInput(options: { name: string; accept?: string; required?: boolean }): SafeHtml {
  return html`<span class="file-picker">
    <input type="file" class="file-input" name="${options.name}"${options.accept ? html` accept="${options.accept}"` : ''}${options.required ? html` required` : ''}>
    <span class="button secondary file-button" aria-hidden="true">Chọn tệp…</span>
    <span class="file-name" aria-live="polite"></span>
  </span>`;
}
