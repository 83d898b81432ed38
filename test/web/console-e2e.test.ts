import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildDocx } from '../fixtures/knowledge/build-files.js';
import { collectErrors, DESKTOP, hasChromium, launchBrowser, PHONE, screenshot } from '../helpers/browser.js';
import { person, postUpdate, privateChat, TelegramEmulator, TEST_SECRET, textUpdate } from '../helpers/telegram-emulator.js';
import { ADMIN, EXPERT, startWebServer, type WebServer } from './web-fixture.js';

/*
 * End to end, in real headless Chromium against the real server on 127.0.0.1: an admin uploads a .docx
 * and a visitor's web chat answers from it; an escalated question is answered by the expert in the
 * console and the answer reaches the chat; the admin approves it and the same question is answered from
 * the curated store; an expert is refused admin actions; a form without its CSRF token is refused.
 * Every page is saved as a screenshot (desktop and a 390×844 phone) under test-artifacts/screenshots/.
 */

// Code run inside the page (the project's TypeScript lib has no DOM): just what the tests touch.
interface PageElement {
  value: string;
  textContent: string | null;
  remove(): void;
}
declare const document: { querySelector(selector: string): PageElement | null; documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number; Chart?: { getChart(id: string): unknown } };

const LY_SON_QUESTION = 'Mức hỗ trợ tiền thuê nhà cho người có công ở đặc khu Lý Sơn là bao nhiêu?';
const EXPERT_QUESTION = 'Hỏi chuyên gia: người có công chuyển hộ khẩu sang tỉnh khác thì hồ sơ trợ cấp chuyển thế nào?';

let s: WebServer;
let telegram: TelegramEmulator;
let browser: Browser;
let adminContext: BrowserContext;
let admin: Page;
const errors: string[] = [];

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(`${s.url}/console`);
  await page.waitForURL(/\/console\/login/);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${s.url}/console`), page.click('button[type=submit]')]);
}

async function chatAsk(page: Page, text: string): Promise<string> {
  const before = await page.locator('li.msg-assistant').count();
  await page.fill('#question', text);
  await page.click('#ask button[type=submit]');
  const answer = page.locator('li.msg-assistant').nth(before);
  await answer.waitFor({ timeout: 30_000 });
  // The direct answer and the passages folded under it ("Xem đoạn văn bản và căn cứ").
  return (await answer.locator('.text').allTextContents()).join('\n\n');
}

describe.skipIf(!hasChromium)('web console and web chat in Chromium', () => {
  beforeAll(async () => {
    telegram = await TelegramEmulator.start();
    s = await startWebServer({ telegram });
    browser = await launchBrowser();
    adminContext = await browser.newContext({ viewport: DESKTOP, locale: 'vi-VN' });
    admin = await adminContext.newPage();
    errors.push(...collectErrors(admin));
  });

  afterAll(async () => {
    await browser?.close();
    await s?.stop();
    await telegram?.close();
  });

  it('answers in the console a question asked on Telegram, and the relay reaches the emulated Telegram API', async () => {
    const lan = person(8101, 'Lan', { last_name: 'Phạm' });
    const question = 'người có công ở xã đảo muốn nhận trợ cấp qua bưu điện thì làm thế nào';
    const delivered = await postUpdate(s.url, textUpdate({ chat: privateChat(lan), from: lan, text: `/chuyengia ${question}` }), { secret: TEST_SECRET });
    expect(delivered.status).toBe(200);
    const ack = await telegram.waitFor(() => telegram.messagesTo(8101).find((m) => /#\d+/.test(m.plain)));
    const ticket = Number(/#(\d+)/.exec(ack.plain)![1]);

    const expertContext = await browser.newContext({ viewport: DESKTOP, locale: 'vi-VN' });
    const expert = await expertContext.newPage();
    errors.push(...collectErrors(expert));
    await signIn(expert, EXPERT.email, EXPERT.password);
    await expert.goto(`${s.url}/console/tickets/${ticket}`);
    await expect(expert.locator('dl.meta').textContent()).resolves.toContain('Telegram');
    await expert.click('text=Nhận xử lý phiếu này');
    const answer = 'Xã lập danh sách người nhận qua bưu điện và gửi Sở Nội vụ; bưu điện chi trả tại nhà hằng tháng.';
    await expert.fill('textarea[name=answer]', answer);
    await expert.click('text=Gửi câu trả lời');
    await expect(expert.locator('.flash-ok').textContent()).resolves.toContain('đang được gửi tới người hỏi');

    // The outbox worker relays it through the Telegram adapter to the asker's Telegram chat.
    const relay = await telegram.waitFor(() => telegram.messagesTo(8101).find((m) => m.plain.includes(answer)), 15_000);
    expect(relay.plain).toContain(`#${ticket}`);
    expect(relay.parse_mode).toBe('HTML');
    await expertContext.close();
  });

  it('signs in and shows the dashboard with its charts', async () => {
    await admin.goto(`${s.url}/console`);
    await admin.waitForURL(/\/console\/login/);
    await screenshot(admin, 'login-desktop');
    await admin.fill('input[name=email]', ADMIN.email);
    await admin.fill('input[name=password]', 'sai-mat-khau-nhe');
    await admin.click('button[type=submit]');
    await expect(admin.locator('.flash-error').textContent()).resolves.toContain('Thư điện tử hoặc mật khẩu không đúng.');
    await signIn(admin, ADMIN.email, ADMIN.password);
    await expect(admin.locator('h1').textContent()).resolves.toBe('Bảng điều khiển');
    const charts = await admin.evaluate(() =>
      ['chart-days', 'chart-stages', 'chart-topics', 'chart-communes'].filter((id) => window.Chart?.getChart(id) !== undefined),
    );
    expect(charts).toEqual(['chart-days', 'chart-stages', 'chart-topics', 'chart-communes']);
    await screenshot(admin, 'dashboard-desktop');
  });

  it('uploads a .docx through the metadata form and the web chat answers from it', async () => {
    await admin.goto(`${s.url}/console/knowledge`);
    const docx = await buildDocx([
      { text: 'Hướng dẫn hỗ trợ tiền thuê nhà cho người có công tại đặc khu Lý Sơn', heading: 1 },
      { text: 'Mức hỗ trợ tiền thuê nhà', heading: 2 },
      { text: 'Người có công với cách mạng đang cư trú tại đặc khu Lý Sơn mà chưa có nhà ở ổn định được hỗ trợ tiền thuê nhà 2.750.000 đồng mỗi tháng, tối đa 12 tháng.' },
      { text: 'Hồ sơ đề nghị hỗ trợ tiền thuê nhà', heading: 2 },
      { text: 'Hồ sơ đề nghị hỗ trợ tiền thuê nhà gồm đơn đề nghị theo Mẫu LS-01 và hợp đồng thuê nhà có xác nhận của Ủy ban nhân dân đặc khu Lý Sơn.' },
    ]);
    await admin.setInputFiles('input[type=file]', {
      name: 'Hỗ trợ thuê nhà Lý Sơn.docx',
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      buffer: docx,
    });
    await Promise.all([admin.waitForURL(/\/console\/knowledge\/pending\/ho-tro-thue-nha-ly-son\.docx$/), admin.click('text=Tải lên')]);
    await expect(admin.inputValue('input[name=title]')).resolves.toBe('Hướng dẫn hỗ trợ tiền thuê nhà cho người có công tại đặc khu Lý Sơn');
    await screenshot(admin, 'knowledge-pending-desktop');
    await admin.fill('input[name=id]', 'hd-thue-nha-ly-son');
    await admin.selectOption('select[name=doc_type]', 'thu-tuc');
    await admin.fill('input[name=citation]', 'Hướng dẫn thuê nhà Lý Sơn');
    await admin.fill('input[name=topic]', 'nguoi-co-cong, thue-nha');
    await admin.fill('textarea[name=source_url]', 'https://example.invalid/ly-son');
    await admin.check('input[name=verified]');
    await Promise.all([admin.waitForURL(/\/console\/knowledge\/doc\/hd-thue-nha-ly-son$/), admin.click('text=Lưu và nạp vào kho tri thức')]);
    await expect(admin.locator('.flash-ok').textContent()).resolves.toContain('Đã nạp tài liệu');
    await expect(admin.locator('ol.passages li').count()).resolves.toBe(2);
    await screenshot(admin, 'knowledge-document-desktop');

    const visitor = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    const chat = await visitor.newPage();
    errors.push(...collectErrors(chat));
    await chat.goto(`${s.url}/chat`);
    const answer = await chatAsk(chat, LY_SON_QUESTION);
    expect(answer).toContain('2.750.000 đồng');
    // On a phone the direct answer shows; the passages are folded until asked for.
    const last = chat.locator('li.msg-assistant').last();
    await expect(last.locator('.text').first().textContent()).resolves.toMatch(/^👉 .*2\.750\.000 đồng/);
    const more = last.locator('details.more');
    await expect(more.getAttribute('open')).resolves.toBeNull();
    await expect(more.locator('summary').textContent()).resolves.toBe('Xem đoạn văn bản và căn cứ');
    await expect(more.locator('.text').isVisible()).resolves.toBe(false);
    await screenshot(chat, 'chat-answer-phone-folded');
    await more.locator('summary').click();
    await expect(more.locator('.text').isVisible()).resolves.toBe(true);
    await expect(chat.locator('li.msg-assistant .sources').last().textContent()).resolves.toContain('Căn cứ: Hướng dẫn thuê nhà Lý Sơn › Mức hỗ trợ tiền thuê nhà');
    await screenshot(chat, 'chat-answer-phone');
    await visitor.close();
  });

  it('relays an expert answer from the console to the web chat, then answers the same question from the curated store', async () => {
    const visitor = await browser.newContext({ viewport: DESKTOP, locale: 'vi-VN' });
    const chat = await visitor.newPage();
    errors.push(...collectErrors(chat));
    await chat.goto(`${s.url}/chat`);
    await chat.click('summary');
    await chat.fill('input[name=name]', 'Chị Lan');
    await chat.fill('input[name=commune]', 'Xã Tịnh Sơn');
    const escalated = await chatAsk(chat, EXPERT_QUESTION);
    const ticket = Number(/phiếu số #(\d+)/.exec(escalated)?.[1]);
    expect(ticket).toBeGreaterThan(0);

    const expertContext = await browser.newContext({ viewport: DESKTOP, locale: 'vi-VN' });
    const expert = await expertContext.newPage();
    errors.push(...collectErrors(expert));
    await signIn(expert, EXPERT.email, EXPERT.password);
    await expert.goto(`${s.url}/console/tickets`);
    await expect(expert.locator(`a[href="/console/tickets/${ticket}"]`).first().isVisible()).resolves.toBe(true);
    await screenshot(expert, 'tickets-desktop');
    await expert.goto(`${s.url}/console/tickets/${ticket}`);
    await expect(expert.locator('dl.meta').textContent()).resolves.toContain('Chị Lan · Xã Tịnh Sơn · Trang web');
    await expert.click('text=Nhận xử lý phiếu này');
    await expect(expert.locator('.flash-ok').textContent()).resolves.toContain(`Bạn đã nhận xử lý phiếu #${ticket}.`);
    await expert.fill('textarea[name=answer]', 'Khi người có công chuyển nơi cư trú sang tỉnh khác, xã lập hồ sơ đề nghị Sở Nội vụ di chuyển hồ sơ.\nNơi mới tiếp tục chi trả từ tháng sau.');
    await expert.click('text=Gửi câu trả lời');
    await expect(expert.locator('.flash-ok').textContent()).resolves.toContain('đang được gửi tới người hỏi');
    await screenshot(expert, 'ticket-desktop');

    // The outbox worker relays it to channel 'web'; the chat page picks it up by polling.
    const relay = chat.locator('li.msg-expert');
    await relay.waitFor({ timeout: 15_000 });
    const relayText = (await relay.locator('.text').textContent()) ?? '';
    expect(relayText).toContain(`Chuyên gia ${EXPERT.name} trả lời câu hỏi #${ticket} của bạn:`);
    expect(relayText).toContain('xã lập hồ sơ đề nghị Sở Nội vụ di chuyển hồ sơ.\nNơi mới');
    await screenshot(chat, 'chat-relay-desktop');

    // The expert may not approve: the approve form is not there and a forged post is refused.
    await expect(expert.locator('text=Duyệt làm câu trả lời mẫu').count()).resolves.toBe(0);
    const forged = await expert.evaluate(async (id) => {
      const token = document.querySelector('input[name=_csrf]')?.value ?? '';
      const res = await fetch(`/console/tickets/${id}/approve`, { method: 'POST', body: new URLSearchParams({ _csrf: token, answer: 'x' }) });
      return { status: res.status, text: await res.text() };
    }, ticket);
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('không có quyền');

    // The admin approves it, edited.
    await admin.goto(`${s.url}/console/tickets/${ticket}`);
    await admin.fill('form[action$="/approve"] textarea[name=answer]', 'Người có công chuyển nơi cư trú sang tỉnh khác: xã lập hồ sơ đề nghị Sở Nội vụ di chuyển hồ sơ; nơi mới chi trả từ tháng sau.');
    await admin.click('form[action$="/approve"] button');
    await expect(admin.locator('.flash-ok').textContent()).resolves.toMatch(/thành câu trả lời mẫu #\d+/);
    await admin.goto(`${s.url}/console/curated`);
    await expect(admin.locator('section.curated').first().textContent()).resolves.toContain('0 lượt dùng');
    await screenshot(admin, 'curated-desktop');

    const curated = await chatAsk(chat, EXPERT_QUESTION.replace('Hỏi chuyên gia: ', ''));
    expect(curated).toContain('xã lập hồ sơ đề nghị Sở Nội vụ di chuyển hồ sơ; nơi mới chi trả từ tháng sau.');
    expect(curated).toContain('(câu trả lời đã được duyệt)');
    await screenshot(chat, 'chat-curated-desktop');
    await admin.reload();
    await expect(admin.locator('section.curated').first().textContent()).resolves.toContain('1 lượt dùng');

    // An expert session is refused the admin pages.
    const refused = await expert.goto(`${s.url}/console/users`);
    expect(refused?.status()).toBe(403);
    await expect(expert.locator('main').textContent()).resolves.toContain('Tài khoản của bạn không có quyền thực hiện thao tác này.');
    await screenshot(expert, 'expert-refused-desktop');
    await expertContext.close();
    await visitor.close();
  });

  it('refuses a form posted without its CSRF token', async () => {
    await admin.goto(`${s.url}/console/users`);
    const form = admin.locator('form[action^="/console/users/"][id^="user-"]').first();
    await form.locator('input[name=_csrf]').evaluate((input) => input.remove());
    const [response] = await Promise.all([admin.waitForResponse((r) => r.request().method() === 'POST'), form.locator('button').click()]);
    expect(response.status()).toBe(403);
    await expect(admin.locator('main').textContent()).resolves.toContain('thiếu mã bảo vệ (CSRF)');
    await screenshot(admin, 'csrf-refused-desktop');
  });

  it('re-indexes with a visible progress indicator and runs a test query', async () => {
    await admin.goto(`${s.url}/console/knowledge`);
    await admin.waitForSelector('#reindex[data-state="done"]');
    const before = await admin.getAttribute('#reindex', 'data-started');
    await admin.click('text=Lập chỉ mục lại');
    // The script polls the progress endpoint: a new run starts, and the bar and its text follow it to the end.
    await admin.waitForFunction((previous) => {
      const box = document.querySelector('#reindex') as unknown as { dataset: Record<string, string> } | null;
      return box !== null && box.dataset['started'] !== previous && box.dataset['state'] === 'done';
    }, before, { timeout: 30_000 });
    await expect(admin.locator('#reindex .status-text').textContent()).resolves.toMatch(/^Hoàn tất lúc .*: thêm 0, cập nhật 0, xóa 0, lỗi 0\.$/);
    await screenshot(admin, 'knowledge-desktop');
    await admin.fill('input[name=q]', 'hỗ trợ thuê nhà Lý Sơn');
    await Promise.all([admin.waitForURL(/\/console\/knowledge\/query\?q=/), admin.click('form[action="/console/knowledge/query"] button')]);
    await expect(admin.locator('table tbody tr').first().textContent()).resolves.toContain('Hướng dẫn thuê nhà Lý Sơn');
    await screenshot(admin, 'knowledge-query-desktop');
  });

  it('renders every page on a 390×844 phone without horizontal scrolling, and on the desktop', async () => {
    const pages: [string, string][] = [
      ['dashboard', '/console'],
      ['tickets', '/console/tickets?status=all'],
      ['ticket', '/console/tickets/1'],
      ['knowledge', '/console/knowledge'],
      ['knowledge-document', '/console/knowledge/doc/hd-thue-nha-ly-son'],
      ['knowledge-edit', '/console/knowledge/doc/mh-tho-cung-liet-si/edit'],
      ['knowledge-query', `/console/knowledge/query?q=${encodeURIComponent('trợ cấp mai táng')}`],
      ['curated', '/console/curated'],
      ['users', '/console/users'],
      ['audit', '/console/audit'],
      ['chat', '/chat'],
    ];
    const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'vi-VN', storageState: await adminContext.storageState() });
    const page = await phone.newPage();
    errors.push(...collectErrors(page));
    for (const [name, url] of pages) {
      const res = await page.goto(`${s.url}${url}`);
      expect(res?.status(), url).toBe(200);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${url} is wider than the phone`).toBeLessThanOrEqual(0);
      await screenshot(page, `${name}-phone`);
      await admin.goto(`${s.url}${url}`);
      await screenshot(admin, `${name}-desktop`);
    }
    await phone.close();
    const login = await (await browser.newContext({ viewport: PHONE, isMobile: true })).newPage();
    await login.goto(`${s.url}/console/login`);
    await screenshot(login, 'login-phone');
  });

  it('raised no script error or CSP violation on any page', () => {
    const real = errors.filter((e) => !/Failed to load resource: the server responded with a status of (401|403|404)/.test(e));
    expect(real).toEqual([]);
  });
});
