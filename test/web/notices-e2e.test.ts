import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { collectErrors, DESKTOP, hasChromium, launchBrowser, PHONE, screenshot } from '../helpers/browser.js';
import { TelegramEmulator } from '../helpers/telegram-emulator.js';
import { ADMIN, startWebServer, type WebServer } from './web-fixture.js';

/*
 * The console's notices and follow-ups in real headless Chromium against the real server (its outbox worker
 * delivering to the emulated Telegram API): compose, preview and confirm a notice, read its report; send a
 * follow-up for answers in the question log; on a phone too. A registered official on the web chat turns
 * notices off with the page's switch.
 */

declare const document: { documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number };

let s: WebServer;
let telegram: TelegramEmulator;
let browser: Browser;
let desktop: BrowserContext;
let admin: Page;
const errors: string[] = [];

async function signIn(page: Page): Promise<void> {
  await page.goto(`${s.url}/console`);
  await page.waitForURL(/\/console\/login/);
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', ADMIN.password);
  await Promise.all([page.waitForURL(`${s.url}/console`), page.click('button[type=submit]')]);
}

/** Reloads until `selector`'s text contains `text` (the outbox worker delivers in the background). */
async function reloadUntil(page: Page, selector: string, text: string): Promise<void> {
  for (let i = 0; i < 50; i += 1) {
    if ((await page.locator(selector).innerText()).includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
    await page.reload();
  }
  throw new Error(`"${text}" never appeared in ${selector}`);
}

describe.skipIf(!hasChromium)('notices and follow-ups in the console (Chromium)', () => {
  beforeAll(async () => {
    telegram = await TelegramEmulator.start();
    s = await startWebServer({ telegram });
    const at = new Date().toISOString();
    await s.app.stores.users.add({ channel: 'telegram', channelUserId: '8201', chatId: '8201', displayName: 'Chị An', commune: 'Xã Tân Phú', role: 'official', topics: ['mai-tang'] }, at);
    await s.app.stores.users.add({ channel: 'telegram', channelUserId: '8202', chatId: '8202', displayName: 'Anh Bình', commune: 'Xã Hòa An', role: 'official', topics: ['liet-si'] }, at);
    browser = await launchBrowser();
    desktop = await browser.newContext({ viewport: DESKTOP, locale: 'vi-VN' });
    admin = await desktop.newPage();
    errors.push(...collectErrors(admin));
    await signIn(admin);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await s?.stop();
    await telegram?.close();
  });

  it('composes a notice to a topic, previews who receives it, confirms, and reports it sent', async () => {
    await admin.goto(`${s.url}/console/notices`);
    await Promise.all([admin.waitForURL(/\/console\/notices\/new$/), admin.click('a[href="/console/notices/new"]')]);
    await admin.fill('input[name=title]', 'Hạn nộp hồ sơ mai táng phí');
    await admin.fill('textarea[name=text]', 'Các xã gửi hồ sơ quý III trước ngày 15/9 <b>gấp</b>.');
    await admin.check('input[name=topics][value=mai-tang]');
    await admin.click('#compose button[type=submit]');
    await expect.poll(() => admin.locator('#preview h2').innerText()).toBe('Sẽ gửi tới 1 người');
    expect(await admin.locator('#preview .recipients li').allInnerTexts()).toEqual([expect.stringContaining('Chị An · Xã Tân Phú')]);
    expect(await admin.locator('#preview pre.message').innerText()).toContain('<b>gấp</b>'); // escaped, shown as typed
    await screenshot(admin, 'notices-preview-desktop');
    await Promise.all([admin.waitForURL(/\/console\/notices\/\d+$/), admin.click('#confirm button[type=submit]')]);
    await reloadUntil(admin, '.report-totals', 'Đã gửi 1');
    expect(await admin.locator('table.recipients tbody tr').count()).toBe(1);
    await screenshot(admin, 'notices-report-desktop');
    const sent = await telegram.waitFor(() => telegram.messagesTo(8201).find((m) => m.plain.startsWith('📢 Thông báo: Hạn nộp hồ sơ mai táng phí')));
    expect(sent.plain).toContain('<b>gấp</b>');
    expect(telegram.messagesTo(8202)).toEqual([]);
    await admin.goto(`${s.url}/console/notices`);
    expect(await admin.locator('table.broadcasts tbody tr').count()).toBe(1);
  });

  it('sends a follow-up for answers picked from the question log, and reports it', async () => {
    const fields = { asker: { channel: 'telegram', chatId: '8203', userId: '8203', displayName: 'Chị Thu' }, question: 'Mức trợ cấp mai táng là bao nhiêu?', query: 'mai táng', stage: 'retrieval' as const, confidence: 0.8, citations: [], latencyMs: 4, createdAt: '2026-03-12T03:00:00.000Z' };
    const id = await s.app.log.add(fields);
    await admin.goto(`${s.url}/console/follow-ups?answers=${id}`);
    expect(await admin.locator('table.answers tbody tr').count()).toBe(1);
    await admin.fill('input[name=reason]', 'Nghị định 55/2026/NĐ-CP điều chỉnh mức trợ cấp');
    await admin.fill('textarea[name=content]', 'Từ 01/7/2026 mức trợ cấp mai táng là 25.000.000 đồng.');
    await screenshot(admin, 'follow-ups-desktop');
    await Promise.all([admin.waitForURL(/\/console\/follow-ups\/\d+$/), admin.click('#follow-up button[type=submit]')]);
    const sent = await telegram.waitFor(() => telegram.messagesTo(8203)[0]);
    expect(sent.plain).toBe(
      'Câu trả lời ngày 12/03/2026 về “Mức trợ cấp mai táng là bao nhiêu?” đã thay đổi do Nghị định 55/2026/NĐ-CP điều chỉnh mức trợ cấp. Nội dung mới: Từ 01/7/2026 mức trợ cấp mai táng là 25.000.000 đồng.',
    );
    await reloadUntil(admin, '.report-totals', 'Đã gửi 1');
  });

  it('fits a phone: compose, report and follow-ups without sideways scrolling', async () => {
    const phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'vi-VN', storageState: await desktop.storageState() });
    const page = await phone.newPage();
    errors.push(...collectErrors(page));
    for (const [path, name] of [['/console/notices/new', 'notices-compose-phone'], ['/console/notices/1', 'notices-report-phone'], ['/console/follow-ups', 'follow-ups-phone']] as const) {
      await page.goto(`${s.url}${path}`);
      expect(page.url()).toContain(path);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), path).toBeLessThanOrEqual(0);
      await screenshot(page, name);
    }
    await phone.close();
  });

  it('lets a registered official on the web chat turn notices off and on', async () => {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, locale: 'vi-VN' });
    const page = await context.newPage();
    errors.push(...collectErrors(page));
    await page.goto(`${s.url}/chat`);
    expect(await page.locator('#notices').count()).toBe(0);
    await page.fill('#question', 'Hồ sơ mai táng phí gồm những gì?');
    await page.click('#ask button[type=submit]');
    await page.locator('li.msg-assistant').first().waitFor({ timeout: 30_000 });
    const chatId = (await context.cookies()).find((c) => c.name === 'trolyxa_chat')!.value;
    const user = await s.app.stores.users.add({ channel: 'web', channelUserId: chatId, chatId, displayName: 'Anh Em', role: 'official', topics: ['mai-tang'] }, new Date().toISOString());
    await page.reload();
    expect(await page.locator('#notices').innerText()).toContain('đang nhận');
    await Promise.all([page.waitForURL(/\/chat#notices$/), page.click('#notices button')]);
    expect(await page.locator('#notices').innerText()).toContain('đã tắt');
    expect((await s.app.stores.users.get(user.id))!.noticesOff).toBe(true);
    await screenshot(page, 'chat-notices-off-phone');
    await Promise.all([page.waitForURL(/\/chat#notices$/), page.click('#notices button')]);
    expect((await s.app.stores.users.get(user.id))!.noticesOff).toBeUndefined();
    await context.close();
    expect(errors).toEqual([]);
  });
});
