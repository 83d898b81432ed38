import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURATED_UNDER_REVIEW_NOTE } from '../../src/assistant/assistant.js';
import type { Asker } from '../../src/assistant/types.js';
import { collectErrors, DESKTOP, hasChromium, launchBrowser, PHONE, screenshot } from '../helpers/browser.js';
import { ADMIN, startWebServer, type WebServer } from './web-fixture.js';

/*
 * "Ảnh hưởng của thay đổi" end to end, in real headless Chromium against the real server: answers are given
 * on two channels, an admin approves an expert's answer in the console (choosing the passages it rests on),
 * the amount changes in the knowledge files and the admin re-indexes from the console. The impact page lists
 * the changed documents, the curated answer to review (which the assistant no longer serves verbatim) and
 * the earlier answers grouped by question, on a desktop and on a phone; re-approving brings the curated
 * answer back. Screenshots go to test-artifacts/screenshots/ (impact-desktop is the README's docs/impact.png).
 */

// Code run inside the page (the project's TypeScript lib has no DOM).
declare const document: { querySelector(selector: string): { dataset: Record<string, string> } | null; documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number };

const AMOUNT_QUESTION = 'Mức trợ cấp thờ cúng liệt sĩ mỗi năm là bao nhiêu?';
const EXPERT_QUESTION = 'gia đình thờ cúng hai liệt sĩ thì được trợ cấp thờ cúng bao nhiêu một năm';
const EXPERT_ANSWER = 'Trợ cấp thờ cúng tính theo từng liệt sĩ: 1.400.000 đồng cho một liệt sĩ mỗi năm, nên hai liệt sĩ là 2.800.000 đồng một năm.';

const lan: Asker = { channel: 'telegram', chatId: '8101', userId: '8101', displayName: 'Phạm Thị Lan', commune: 'Xã Tịnh Sơn' };
const hung: Asker = { channel: 'zalo-bot', chatId: 'z-77', userId: 'z-77', displayName: 'Nguyễn Văn Hùng', commune: 'Xã Ba Tơ' };

let s: WebServer;
let browser: Browser;
let admin: Page;
const errors: string[] = [];

const ask = (asker: Asker, text: string) => s.app.assistant.handle({ asker, text, rateLimited: false });

async function noSidewaysScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
}

describe.skipIf(!hasChromium)('the impact of a knowledge change, in the console (Chromium)', () => {
  beforeAll(async () => {
    s = await startWebServer();
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'vi-VN' });
    admin = await context.newPage();
    errors.push(...collectErrors(admin));
    await admin.goto(`${s.url}/console/login`);
    await admin.fill('input[name=email]', ADMIN.email);
    await admin.fill('input[name=password]', ADMIN.password);
    await Promise.all([admin.waitForURL(`${s.url}/console`), admin.click('button[type=submit]')]);
  });

  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('approves an expert answer on the passages the admin ticks, and serves it', async () => {
    const first = await ask(lan, AMOUNT_QUESTION);
    expect(first.stage).toBe('retrieval');
    expect(first.text).toContain('1.400.000');
    expect((await ask(hung, AMOUNT_QUESTION)).stage).toBe('retrieval');
    expect((await ask(hung, 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?')).stage).toBe('retrieval');

    const escalated = await ask(lan, `Hỏi chuyên gia: ${EXPERT_QUESTION}`);
    expect(escalated.stage).toBe('escalated');
    await s.app.escalation.answer(escalated.ticket!, s.expertUserId, EXPERT_ANSWER);

    await admin.goto(`${s.url}/console/tickets/${escalated.ticket}`);
    const boxes = admin.locator('fieldset.sources input[type=checkbox]');
    expect(await boxes.count()).toBeGreaterThan(1);
    // The expert's answer rests on the amount: only the passages on the amount stay ticked.
    for (let i = 0; i < (await boxes.count()); i++) {
      const text = (await admin.locator('fieldset.sources label').nth(i).textContent()) ?? '';
      await boxes.nth(i).setChecked(/Mức trợ cấp thờ cúng liệt sĩ/.test(text));
    }
    await Promise.all([admin.waitForURL(`${s.url}/console/tickets/${escalated.ticket}`), admin.click('form[action$="/approve"] button[type=submit]')]);
    await expect(admin.locator('.flash-ok').textContent()).resolves.toContain('thành câu trả lời mẫu');
    const curated = (await s.app.stores.curated.getBySourceTicket(escalated.ticket!))!;
    expect(curated.sources!.length).toBeGreaterThan(0);
    expect(curated.sources!.length).toBeLessThan(await boxes.count());
    expect(curated.sources!.every((src) => /^(mh|tt)-tho-cung-liet-si$/.test(src.docId) && src.citation.includes('Mức trợ cấp thờ cúng liệt sĩ'))).toBe(true);

    const served = await ask(hung, EXPERT_QUESTION);
    expect(served.stage).toBe('curated');
    expect(served.text).toContain('2.800.000');

    await admin.goto(`${s.url}/console/impact`);
    await expect(admin.locator('.kpis').textContent()).resolves.toMatch(/Câu trả lời mẫu cần xem lại\s*0/);
  }, 120_000);

  it('after the amount changes and the admin re-indexes, shows what it affects; the curated answer waits for review', async () => {
    for (const file of ['thu-tuc/tt-tho-cung-liet-si.md', 'muc-huong/tho-cung-liet-si.md']) {
      const full = path.join(s.knowledgeDir, file);
      await writeFile(full, (await readFile(full, 'utf8')).replaceAll('1.400.000', '1.500.000'));
    }
    await admin.goto(`${s.url}/console/knowledge`);
    const before = await admin.getAttribute('#reindex', 'data-started');
    await admin.click('form[data-reindex] button');
    await admin.waitForFunction(
      (previous) => {
        const box = document.querySelector('#reindex');
        return box !== null && box.dataset['started'] !== previous && box.dataset['state'] === 'done';
      },
      before,
      { timeout: 60_000 },
    );
    await admin.goto(`${s.url}/console/knowledge`);
    await expect(admin.locator('.impact-note').textContent()).resolves.toContain('1 câu trả lời mẫu cần xem lại');

    await Promise.all([admin.waitForURL(`${s.url}/console/impact`), admin.click('.impact-note a')]);
    await expect(admin.locator('h1').textContent()).resolves.toBe('Ảnh hưởng của thay đổi');
    const docs = await admin.locator('table.changed-docs tbody tr').allTextContents();
    expect(docs.join('\n')).toContain('tt-tho-cung-liet-si');
    expect(docs.join('\n')).toContain('Đã sửa nội dung');
    const card = admin.locator('.curated-review');
    await expect(card.count()).resolves.toBe(1);
    await expect(card.textContent()).resolves.toContain(EXPERT_QUESTION);
    await expect(card.textContent()).resolves.toContain('nội dung đã thay đổi');
    // The earlier answers, by question: the amount asked twice (Telegram and Zalo), the curated reply once.
    const groups = admin.locator('.impact-group');
    await expect(groups.count()).resolves.toBe(2);
    const amount = groups.filter({ hasText: AMOUNT_QUESTION });
    await expect(amount.locator('tbody tr').count()).resolves.toBe(2);
    await expect(amount.textContent()).resolves.toContain('Phạm Thị Lan, Xã Tịnh Sơn');
    await expect(amount.textContent()).resolves.toContain('Zalo Bot');
    await expect(admin.locator('body').textContent()).resolves.not.toContain('mai táng');
    // From here the admin tells the askers: the follow-up page opens with the group's answers.
    const tell = amount.getByRole('link', { name: 'Báo cho người đã hỏi câu này' });
    await expect(tell.getAttribute('href')).resolves.toMatch(/^\/console\/follow-ups\?answers=\d+,\d+$/);
    await noSidewaysScroll(admin);
    await screenshot(admin, 'impact-desktop');

    // Not served verbatim meanwhile: the answer of today's texts, and why.
    const meanwhile = await ask(hung, EXPERT_QUESTION);
    expect(meanwhile.stage).not.toBe('curated');
    expect(meanwhile.text).not.toContain('2.800.000');
    expect(meanwhile.text).toContain(CURATED_UNDER_REVIEW_NOTE);

    await admin.goto(`${s.url}/console/curated`);
    await expect(admin.locator('.curated .badge.warn').first().textContent()).resolves.toBe('Cần xem lại');
  }, 180_000);

  it('shows the same page on a phone without sideways scrolling', async () => {
    const phone = await browser.newPage({ viewport: PHONE, locale: 'vi-VN', storageState: await admin.context().storageState() });
    errors.push(...collectErrors(phone));
    await phone.goto(`${s.url}/console/impact`);
    await expect(phone.locator('.curated-review').count()).resolves.toBe(1);
    await noSidewaysScroll(phone);
    await screenshot(phone, 'impact-phone');
    await phone.close();
  }, 60_000);

  it('re-approving the curated answer takes it off the list and serves it again', async () => {
    await admin.goto(`${s.url}/console/impact`);
    admin.once('dialog', (dialog) => void dialog.accept());
    await Promise.all([admin.waitForURL(`${s.url}/console/impact`), admin.click('.curated-review button:has-text("Duyệt lại")')]);
    await expect(admin.locator('.flash-ok').textContent()).resolves.toContain('Đã duyệt lại câu trả lời mẫu');
    await expect(admin.locator('.curated-review').count()).resolves.toBe(0);
    // The earlier answers stay listed: their askers were told the old text.
    await expect(admin.locator('.impact-group').count()).resolves.toBe(2);
    expect((await ask(lan, EXPERT_QUESTION)).stage).toBe('curated');
    const journal = await s.app.repos.audit.list(5);
    expect(journal.some((e) => e.action === 'curated.reapprove')).toBe(true);
    expect(errors).toEqual([]);
  }, 60_000);
});
