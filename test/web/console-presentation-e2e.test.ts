import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Asker } from '../../src/escalation/types.js';
import { collectErrors, DESKTOP, hasChromium, launchBrowser, PHONE, screenshot } from '../helpers/browser.js';
import { ADMIN, startWebServer, type WebServer } from './web-fixture.js';

/*
 * The console's presentation, in real headless Chromium against the real server, on a desktop and on a
 * 390×844 phone: a document's status drop-down starts on its status; topics show by their Vietnamese
 * names (dashboard, inbox, curated answers) and an out-of-domain question is filed under none; the file
 * field has a Vietnamese button; the knowledge list has a search and filters that work without script;
 * the ticket and retrieval-test tables do not scroll sideways on a phone; a ticket says why it was
 * escalated beside its scores.
 */

// Code run inside the page (the project's TypeScript lib has no DOM): just what the tests touch.
interface PageElement {
  scrollWidth: number;
  clientWidth: number;
  textContent: string | null;
  getBoundingClientRect(): { width: number; right: number };
}
declare const document: {
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  documentElement: { scrollWidth: number };
};
declare const window: { innerWidth: number; Chart?: { getChart(id: string): { data: { labels: string[] } } | undefined } };

/** A slug as stored ("muc-huong", "di-chuyen-ho-so"): what the console must never show as a topic. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)+$/;
const OUT_OF_DOMAIN = 'Đăng ký kết hôn ở xã cần giấy tờ gì?';

let s: WebServer;
let browser: Browser;
let desktop: BrowserContext;
let phone: BrowserContext;
let admin: Page;
let onPhone: Page;
const errors: string[] = [];
let outOfDomainTicket: number;
let topicTicket: number;

const asker = (n: number): Asker => ({ channel: 'web', chatId: `web-visitor-${n}`, userId: `web-visitor-${n}`, displayName: `Cán bộ ${n}`, commune: 'Xã Tịnh Sơn' });

async function bothSizes(url: string, check: (page: Page, size: 'desktop' | 'phone') => Promise<void>): Promise<void> {
  for (const [page, size] of [[admin, 'desktop'], [onPhone, 'phone']] as const) {
    const res = await page.goto(`${s.url}${url}`);
    expect(res?.status(), `${url} on ${size}`).toBe(200);
    await check(page, size);
  }
}

describe.skipIf(!hasChromium)('console presentation in Chromium, desktop and phone', () => {
  beforeAll(async () => {
    s = await startWebServer();
    const { assistant } = s.app;
    // An out-of-domain question (its best passage still has a fused score near 0.92), answered questions
    // of several topics, and an answer judged unhelpful (escalated under its topic).
    const outside = await assistant.handle({ asker: asker(1), text: OUT_OF_DOMAIN });
    expect(outside.escalationReason).toBe('out_of_domain');
    outOfDomainTicket = outside.ticket!;
    for (const [i, text] of ['hs mai tang ncc gom gi', 'Người có công chuyển hộ khẩu sang tỉnh khác thì hồ sơ trợ cấp chuyển thế nào?'].entries()) {
      expect((await assistant.handle({ asker: asker(10 + i), text })).stage).toBe('retrieval');
    }
    const answered = await assistant.handle({ asker: asker(2), text: 'trợ cấp thờ cúng liệt sĩ bao nhiêu' });
    const unhelpful = await assistant.feedback(answered.answerId!, 'unhelpful', asker(2));
    topicTicket = unhelpful.ticket!;
    expect((await s.app.escalation.getTicket(topicTicket))?.topic).toMatch(SLUG);

    browser = await launchBrowser();
    desktop = await browser.newContext({ viewport: DESKTOP, locale: 'vi-VN' });
    admin = await desktop.newPage();
    errors.push(...collectErrors(admin));
    await admin.goto(`${s.url}/console`);
    await admin.fill('input[name=email]', ADMIN.email);
    await admin.fill('input[name=password]', ADMIN.password);
    await Promise.all([admin.waitForURL(`${s.url}/console`), admin.click('button[type=submit]')]);
    phone = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'vi-VN', storageState: await desktop.storageState() });
    onPhone = await phone.newPage();
    errors.push(...collectErrors(onPhone));
  });

  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('files an out-of-domain question under no topic, and its ticket says why it was escalated beside the 0.92 score', async () => {
    const ticket = await s.app.escalation.getTicket(outOfDomainTicket);
    expect(ticket?.topic).toBeUndefined();
    expect(ticket?.context[0]?.score).toBeGreaterThan(0.9);
    await bothSizes(`/console/tickets/${outOfDomainTicket}`, async (page, size) => {
      const meta = (await page.locator('dl.meta').textContent()) ?? '';
      expect(meta).toContain('Lĩnh vựcNgoài phạm vi');
      const note = page.locator('#escalation-reason');
      await expect(note.isVisible()).resolves.toBe(true);
      const text = (await note.textContent())?.replace(/\s+/g, ' ') ?? '';
      expect(text).toContain('Lý do chuyển chuyên gia: nội dung ngoài phạm vi tài liệu của hệ thống');
      expect(text).toMatch(/Điểm tổng hợp \(cao nhất 0,9\d\d\) chỉ so các đoạn văn với nhau/);
      // The reason sits right above the score table.
      const [noteBox, tableBox] = await Promise.all([note.boundingBox(), page.locator('table.scores').boundingBox()]);
      expect(tableBox!.y).toBeGreaterThan(noteBox!.y);
      expect(tableBox!.y - (noteBox!.y + noteBox!.height)).toBeLessThan(60);
      await screenshot(page, `ticket-out-of-domain-${size}`);
    });
  });

  it('shows topics by their Vietnamese names in the inbox, on a ticket, on the dashboard and in curated answers', async () => {
    await bothSizes('/console/tickets?status=all', async (page) => {
      const cells = await page.locator('td[data-label="Lĩnh vực"]').allTextContents();
      expect(cells.length).toBeGreaterThanOrEqual(2);
      expect(cells.filter((c) => SLUG.test(c.trim()))).toEqual([]);
      expect(cells).toContain('Ngoài phạm vi');
      const options = await page.locator('select[name=topic] option').allTextContents();
      expect(options.filter((o) => SLUG.test(o.trim()))).toEqual([]);
    });
    const slug = (await s.app.escalation.getTicket(topicTicket))!.topic!;
    await admin.goto(`${s.url}/console/tickets/${topicTicket}`);
    const meta = (await admin.locator('dl.meta').textContent()) ?? '';
    expect(meta).not.toContain(slug);
    expect(meta).toMatch(/Lĩnh vực\p{Lu}/u);

    await bothSizes('/console', async (page) => {
      const ranked = await page.locator('section.chart:has(#chart-topics) ol.ranked li span').allTextContents();
      expect(ranked).toEqual(expect.arrayContaining(['Mai táng', 'Di chuyển hồ sơ']));
      expect(ranked.filter((r) => SLUG.test(r))).toEqual([]);
      await page.waitForFunction(() => window.Chart?.getChart('chart-topics') !== undefined);
      const labels = await page.evaluate(() => window.Chart!.getChart('chart-topics')!.data.labels);
      expect(labels.filter((l) => SLUG.test(l))).toEqual([]);
    });

    // The admin answers the unhelpful one and approves it: the curated answer keeps the topic, by name.
    await admin.goto(`${s.url}/console/tickets/${topicTicket}`);
    await admin.click('text=Nhận xử lý phiếu này');
    await admin.fill('form[action$="/answer"] textarea[name=answer]', 'Trợ cấp thờ cúng liệt sĩ là 1.400.000 đồng mỗi năm (khoản 2 Điều 13 Nghị định 75/2021/NĐ-CP).');
    await admin.click('form[action$="/answer"] button');
    await admin.click('form[action$="/approve"] button');
    await expect(admin.locator('.flash-ok').textContent()).resolves.toMatch(/thành câu trả lời mẫu #\d+/);
    await bothSizes('/console/curated', async (page, size) => {
      const select = page.locator('section.curated select[name=topic]').first();
      await expect(select.inputValue()).resolves.toBe(slug);
      const shown = (await select.locator('option:checked').textContent())?.trim() ?? '';
      expect(shown).not.toMatch(SLUG);
      expect(shown.length).toBeGreaterThan(0);
      await expect(page.locator('section.curated .badge.topic').first().textContent()).resolves.toBe(shown);
      await screenshot(page, `curated-topics-${size}`);
    });
  });

  it("starts a document's status drop-down on its current status, so saving it unchanged changes nothing", async () => {
    const docs = await s.app.kb.store.listDocuments();
    const partly = docs.find((d) => d.meta.status === 'partly_superseded')!;
    for (const [id, status, text] of [
      ['mh-tho-cung-liet-si', 'in_force', 'Còn hiệu lực'],
      [partly.id, 'partly_superseded', 'Bị thay thế một phần'],
    ] as const) {
      await bothSizes(`/console/knowledge/doc/${id}`, async (page) => {
        const select = page.locator('form[action$="/status"] select[name=status]');
        await expect(select.inputValue()).resolves.toBe(status);
        await expect(select.locator('option:checked').textContent()).resolves.toBe(text);
      });
    }
    await admin.goto(`${s.url}/console/knowledge/doc/mh-tho-cung-liet-si`);
    await Promise.all([admin.waitForURL(/\/console\/knowledge\/doc\/mh-tho-cung-liet-si$/), admin.click('form[action$="/status"] button')]);
    await expect(admin.locator('.flash-ok').textContent()).resolves.toContain('“Còn hiệu lực”');
    expect((await s.app.kb.store.listDocuments()).find((d) => d.id === 'mh-tho-cung-liet-si')?.meta.status).toBe('in_force');
  });

  it('has a Vietnamese "Chọn tệp…" button on the upload field, showing the chosen file', async () => {
    await bothSizes('/console/knowledge', async (page, size) => {
      const picker = page.locator('.file-picker');
      await expect(picker.locator('.file-button').textContent()).resolves.toBe('Chọn tệp…');
      await expect(picker.locator('.file-button').isVisible()).resolves.toBe(true);
      // The browser's own control (with its English "Choose File") is not what one sees.
      const native = await picker.locator('input[type=file]').boundingBox();
      expect(native!.width).toBeLessThanOrEqual(1);
      const emptyText = await picker
        .locator('.file-name')
        .evaluate((el) => (globalThis as unknown as { getComputedStyle(el: unknown, pseudo: string): { content: string } }).getComputedStyle(el, '::before').content);
      expect(emptyText).toBe('"Chưa chọn tệp"');
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), picker.locator('.file-button').click()]);
      await chooser.setFiles({ name: 'Hướng dẫn mới.md', mimeType: 'text/markdown', buffer: Buffer.from('# Hướng dẫn\n') });
      await expect(picker.locator('.file-name').textContent()).resolves.toBe('Hướng dẫn mới.md');
      await screenshot(page, `knowledge-file-button-${size}`);
    });
  });

  it('searches and filters the knowledge list on the server, without script', async () => {
    const total = (await s.app.kb.store.listDocuments()).length;
    const noScript = await browser.newContext({ viewport: PHONE, isMobile: true, javaScriptEnabled: false, locale: 'vi-VN', storageState: await desktop.storageState() });
    const page = await noScript.newPage();
    await page.goto(`${s.url}/console/knowledge`);
    await expect(page.locator('table.documents tbody tr').count()).resolves.toBe(total);

    await page.fill('#document-filter input[name=q]', 'thờ cúng');
    await Promise.all([page.waitForURL(/\/console\/knowledge\?q=/), page.click('#document-filter button[type=submit]')]);
    const titles = await page.locator('table.documents tbody tr td[data-label="Tài liệu"] a').allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    expect(titles.length).toBeLessThan(total);
    const expected = (await s.app.kb.store.listDocuments()).filter((d) => /thờ cúng/i.test(d.meta.title) || d.meta.topic?.some((t) => t.startsWith('tho-cung')));
    expect([...titles].sort()).toEqual(expected.map((d) => d.meta.title).sort());
    await expect(page.locator('#filter-count').textContent()).resolves.toBe(`Đang hiện ${titles.length} trên ${total} tài liệu.`);
    await expect(page.inputValue('#document-filter input[name=q]')).resolves.toBe('thờ cúng');
    // Typed without accents, the same documents.
    await page.goto(`${s.url}/console/knowledge?q=tho+cung`);
    await expect(page.locator('table.documents tbody tr td[data-label="Tài liệu"] a').allTextContents()).resolves.toEqual(titles);

    // By topic (offered by name) and by status.
    await page.goto(`${s.url}/console/knowledge`);
    await page.locator('#document-filter select[name=topic]').selectOption({ label: 'Liệt sĩ' });
    await Promise.all([page.waitForURL(/topic=liet-si/), page.click('#document-filter button[type=submit]')]);
    const ids = await page.locator('table.documents tbody tr td[data-label="Tài liệu"] small').allTextContents();
    const withTopic = (await s.app.kb.store.listDocuments()).filter((d) => d.meta.topic?.includes('liet-si')).map((d) => d.id);
    expect([...ids].sort()).toEqual([...withTopic].sort());
    await page.goto(`${s.url}/console/knowledge?status=partly_superseded`);
    await expect(page.locator('table.documents tbody tr').count()).resolves.toBe(1);
    await expect(page.locator('#document-filter select[name=status]').inputValue()).resolves.toBe('partly_superseded');
    await page.goto(`${s.url}/console/knowledge?q=kh%C3%B4ng+c%C3%B3+t%C3%A0i+li%E1%BB%87u+n%C3%A0o+nh%C6%B0+v%E1%BA%ADy`);
    await expect(page.locator('main').textContent()).resolves.toContain('Không có tài liệu nào khớp với bộ lọc.');
    await page.goto(`${s.url}/console/knowledge?topic=liet-si&q=mo`);
    await screenshot(page, 'knowledge-filtered-phone');
    await noScript.close();
  });

  it('lays the ticket and retrieval-test tables out as cards on a phone: nothing scrolls sideways', async () => {
    const pages = [
      ['tickets', '/console/tickets?status=all'],
      ['ticket', `/console/tickets/${outOfDomainTicket}`],
      ['knowledge-query', `/console/knowledge/query?q=${encodeURIComponent('hồ sơ trợ cấp mai táng gồm những gì')}`],
      ['knowledge', '/console/knowledge'],
    ] as const;
    for (const [name, url] of pages) {
      await onPhone.goto(`${s.url}${url}`);
      const widths = await onPhone.evaluate(() => ({
        page: document.documentElement.scrollWidth - window.innerWidth,
        wraps: Array.from(document.querySelectorAll('.table-wrap')).map((w) => w.scrollWidth - w.clientWidth),
        tables: Array.from(document.querySelectorAll('table')).map((t) => t.getBoundingClientRect().right - window.innerWidth),
      }));
      expect(widths.page, `${url} is wider than the phone`).toBeLessThanOrEqual(0);
      expect(widths.wraps.filter((w) => w > 0), `${url}: a table scrolls sideways`).toEqual([]);
      expect(widths.tables.filter((w) => w > 0), `${url}: a table runs off the screen`).toEqual([]);
      // Rows are cards: the header row is hidden and every cell says what it is.
      await expect(onPhone.locator('table.responsive thead').first().isVisible()).resolves.toBe(false);
      const label = await onPhone
        .locator('table.responsive td[data-label]')
        .first()
        .evaluate((td) => (globalThis as unknown as { getComputedStyle(el: unknown, pseudo: string): { content: string } }).getComputedStyle(td, '::before').content);
      expect(label.length).toBeGreaterThan(2);
      await screenshot(onPhone, `${name}-cards-phone`);
      // On the desktop they stay tables.
      await admin.goto(`${s.url}${url}`);
      await expect(admin.locator('table.responsive thead').first().isVisible()).resolves.toBe(true);
    }
  });

  it('raised no script error or CSP violation on any page', () => {
    expect(errors.filter((e) => !/status of (401|403|404)/.test(e))).toEqual([]);
  });
});
