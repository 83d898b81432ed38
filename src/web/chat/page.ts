import { html, type SafeHtml } from '../shared/html.js';
import { PASSAGES_START } from '../../assistant/extractive.js';
import type { ChatMessage, ChatVisitor } from './store.js';

export const ROLE_NAMES: Record<ChatMessage['role'], string> = { user: 'Bạn', assistant: 'Trợ lý Xã', expert: 'Chuyên gia', system: 'Thông báo' };

const FEEDBACK_BUTTONS: { value: string; label: string }[] = [
  { value: 'helpful', label: 'Hữu ích' },
  { value: 'unhelpful', label: 'Chưa hữu ích' },
  { value: 'expert', label: 'Hỏi chuyên gia' },
];

function timeOf(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
}


/**
 * An answer's text: the direct answer shown, the passages it rests on folded under "Xem đoạn văn bản" (a
 * phone screen holds the answer; the rest is one tap away). chat.js folds the same way.
 */
function messageText(m: ChatMessage): SafeHtml {
  const at = m.role === 'assistant' ? m.text.indexOf(PASSAGES_START) : -1;
  if (at <= 0) return html`<div class="text">${m.text}</div>`;
  return html`<div class="text">${m.text.slice(0, at)}</div>
    <details class="more"><summary>Xem đoạn văn bản và căn cứ</summary><div class="text">${m.text.slice(at + 2)}</div></details>`;
}

/** A form sent to the chat: its signed link, when it is one of ours or an http(s) address. */
function downloadLink(m: ChatMessage): SafeHtml | '' {
  const download = m.meta.download;
  if (!download || !/^(\/forms\/|https?:\/\/)/.test(download.url)) return '';
  return html`<a class="download" href="${download.url}" download="${download.fileName}">Tải ${download.fileName}</a>`;
}

/** One message; chat.js builds the same structure for messages that arrive later. */
export function messageHtml(m: ChatMessage, csrf: string): SafeHtml {
  const sources = m.meta.sources ?? [];
  const warnings = m.meta.warnings ?? [];
  return html`<li class="msg msg-${m.role}" data-id="${m.id}">
    <div class="who">${ROLE_NAMES[m.role]} <time>${timeOf(m.createdAt)}</time></div>
    ${messageText(m)}
    ${sources.length
      ? html`<ul class="sources">${sources.map(
          (s) => html`<li>${s.text}${s.url ? html` — <a href="${s.url}" target="_blank" rel="noopener noreferrer">Nguồn</a>` : ''}</li>`,
        )}</ul>`
      : ''}
    ${downloadLink(m)}
    ${warnings.length ? html`<ul class="warnings">${warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
    ${m.meta.offerFeedback && m.meta.answerId !== undefined
      ? html`<div class="feedback">${FEEDBACK_BUTTONS.map(
          (b) => html`<form method="post" action="/chat/feedback" class="inline">
            <input type="hidden" name="_csrf" value="${csrf}">
            <input type="hidden" name="answerId" value="${m.meta.answerId}">
            <input type="hidden" name="value" value="${b.value}">
            <button type="submit" class="secondary small">${b.label}</button>
          </form>`,
        )}</div>`
      : ''}
  </li>`;
}

/** The switch of a registered official for the province's notices (the setting lives on their user). */
function noticesSwitch(csrf: string, notices: 'on' | 'off'): SafeHtml {
  return html`<form method="post" action="/chat/notices" id="notices" class="notices">
    <input type="hidden" name="_csrf" value="${csrf}">
    <input type="hidden" name="off" value="${notices === 'on' ? 'on' : ''}">
    <span>Thông báo của tỉnh: <strong>${notices === 'on' ? 'đang nhận' : 'đã tắt'}</strong></span>
    <button type="submit" class="secondary small">${notices === 'on' ? 'Tắt nhận thông báo' : 'Nhận lại thông báo'}</button>
  </form>`;
}

/** A photo or PDF of a paper, with a question (optional): read and answered like a question. */
function fileForm(csrf: string, maxBytes: number): SafeHtml {
  const mb = String(Math.round((maxBytes / (1024 * 1024)) * 10) / 10).replace('.', ',');
  return html`<details class="ask-file" id="ask-file">
    <summary>Gửi ảnh hoặc tệp PDF giấy tờ</summary>
    <form method="post" action="/chat/ask-file" enctype="multipart/form-data" class="ask">
      <input type="hidden" name="_csrf" value="${csrf}">
      <label>Ảnh (JPG, PNG) hoặc PDF, tối đa ${mb} MB <input type="file" name="file" accept="image/jpeg,image/png,image/webp,application/pdf" required></label>
      <label>Câu hỏi về giấy này (không bắt buộc) <textarea name="text" rows="2" maxlength="4000"></textarea></label>
      <button type="submit">Gửi ảnh</button>
    </form>
    <p class="hint">Ảnh chỉ dùng để trả lời và không được lưu lại, trừ khi câu hỏi được chuyển cho chuyên gia (ảnh được xóa khi phiếu hỏi đóng).</p>
  </details>`;
}

/**
 * The web chat page: history, question box, the asker's name and commune (optional), and — for a
 * registered official — the switch for the province's notices (`notices`: its current state).
 */
export function chatPage(options: {
  visitor: ChatVisitor;
  messages: ChatMessage[];
  error?: string;
  consoleLink: boolean;
  notices?: 'on' | 'off';
  /** Offers to send a photo or PDF of a paper, up to `maxBytes`. */
  fileUpload?: { maxBytes: number };
}): string {
  const { visitor, messages } = options;
  return html`<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${visitor.csrfToken}">
<title>Hỏi đáp · Trợ lý Xã</title>
<link rel="stylesheet" href="/static/console.css">
<script src="/static/chat.js" defer></script>
</head>
<body class="chat-page">
<header class="top">
  <a class="brand" href="/chat">Trợ lý Xã <small>Hỏi đáp</small></a>
  ${options.consoleLink ? html`<nav class="nav"><a href="/console">Trang quản trị</a></nav>` : ''}
</header>
<main class="chat">
  <p class="intro">Hỏi về thủ tục, chế độ đối với người có công và các Kết luận 192-KL/TW, 195-KL/TW về chính quyền địa phương hai cấp. Câu trả lời có ghi căn cứ; câu chưa trả lời được sẽ được chuyển cho chuyên gia và câu trả lời sẽ hiện ở đây.</p>
  ${options.error ? html`<div class="flash flash-error" role="alert">${options.error}</div>` : ''}
  <ol class="messages" id="messages" aria-live="polite">
    ${messages.length ? messages.map((m) => messageHtml(m, visitor.csrfToken)) : html`<li class="msg msg-system empty"><div class="text">Chưa có câu hỏi nào. Ví dụ: “Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?”</div></li>`}
  </ol>
  <div id="typing" class="typing" hidden>Trợ lý Xã đang trả lời…</div>
  <form method="post" action="/chat/ask" id="ask" class="ask">
    <input type="hidden" name="_csrf" value="${visitor.csrfToken}">
    <label class="sr-only" for="question">Câu hỏi</label>
    <textarea id="question" name="text" rows="2" maxlength="4000" required placeholder="Nhập câu hỏi, có dấu hoặc không dấu đều được"></textarea>
    <button type="submit">Gửi</button>
    <details class="about-me">
      <summary>Thông tin người hỏi (không bắt buộc)</summary>
      <label>Họ tên <input name="name" maxlength="100" value="${visitor.displayName ?? ''}" autocomplete="name"></label>
      <label>Xã, phường <input name="commune" maxlength="100" value="${visitor.commune ?? ''}"></label>
    </details>
  </form>
  ${options.fileUpload ? fileForm(visitor.csrfToken, options.fileUpload.maxBytes) : ''}
  ${options.notices ? noticesSwitch(visitor.csrfToken, options.notices) : ''}
</main>
</body>
</html>`.toString();
}
