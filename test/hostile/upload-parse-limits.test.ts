import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billionLaughsMarkdown, inflatingPdf, paragraphsDocx } from '../helpers/hostile-files.js';
import { ADMIN, startWebServer, WebClient, type WebServer } from '../web/web-fixture.js';

/*
 * Uploads that used to stop the server (issue 15, points 1–3), sent through the real console over HTTP
 * while a visitor keeps using the web chat: a 123 KB .docx declaring 40 MiB of paragraphs, a ~500-byte
 * Markdown file with "billion laughs" YAML aliases, a 2 MB PDF whose stream inflates to 2 GiB, and the
 * files that get past those checks only to hit the parse thread's memory cap. Each is refused with a
 * Vietnamese reason and removed; the server answers the visitor throughout, its event loop never
 * delayed by 100 ms or more (perf_hooks.monitorEventLoopDelay, this process being the server).
 *
 * The test machine is shared (2 cores, other test files running alongside): the OS alone now and then
 * holds this thread back for 50–120 ms while it does nothing. A server that parses the file on its own
 * thread stalls for seconds on every upload (measured before the fix), so each upload is tried up to
 * ATTEMPTS times and the calmest try is held to the bound, as in webhook-flood.test.ts.
 *
 * The parse thread runs with 64 MiB of heap here (PARSE_MEMORY_MB), so that the memory backstop trips
 * within a second or two.
 */

const MEMORY_MB = 64;
const MAX_LOOP_DELAY_MS = 100;
/** Tries of one hostile upload at most; every try must be refused and cleaned up, the calmest under the bound. */
const ATTEMPTS = 3;
/** The web chat allows 30 questions a minute from one address: at most this many per test. */
const QUESTIONS_PER_TEST = 2;

let s: WebServer;
let admin: WebClient;

const pendingDir = () => path.join(s.knowledgeDir, 'uploads', '_pending');
const uploadsDir = () => path.join(s.knowledgeDir, 'uploads');

beforeAll(async () => {
  s = await startWebServer({ env: { PARSE_MEMORY_MB: String(MEMORY_MB), PARSE_TIMEOUT_SECONDS: '60' } });
  admin = new WebClient(s.url);
  expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(303);
  // Not what is measured: the first question builds the searcher, the first upload compiles the upload route.
  await genuineQuestion();
  await freshToken();
  await upload('MZ', 'khoi-dong.exe');
});

afterAll(async () => {
  await s?.stop();
});

/** A visitor's question through the web chat API, answered from the knowledge base. */
async function genuineQuestion(): Promise<void> {
  const visitor = new WebClient(s.url);
  await visitor.get('/chat');
  const page = await visitor.postJson('/chat/api/ask', { text: 'Hồ sơ hưởng trợ cấp mai táng người có công gồm những gì?' }, { 'x-csrf-token': visitor.csrf });
  expect(page.status).toBe(200);
  const { messages } = JSON.parse(page.text) as { messages: { text: string; meta: { stage?: string } }[] };
  expect(messages.at(-1)?.meta.stage).toBe('retrieval');
  expect(messages.at(-1)?.text).toContain('mai táng');
}

/**
 * Runs `work` (a hostile upload) while a visitor keeps asking and the health check keeps being called,
 * and measures the event loop's delay over the whole time.
 */
async function whileServing<T>(work: () => Promise<T>, questions = QUESTIONS_PER_TEST): Promise<{ result: T; maxDelayMs: number; answered: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let finished = false;
  const job = work().finally(() => {
    finished = true;
  });
  let answered = 0;
  const visitor = (async () => {
    do {
      if (answered < questions) await genuineQuestion();
      else expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      answered += 1;
      await sleep(50);
    } while (!finished);
  })();
  try {
    const result = await job;
    await visitor;
    return { result, maxDelayMs: histogram.max / 1e6, answered };
  } finally {
    histogram.disable();
  }
}

/** Posts a file to the upload form (the CSRF token is the last page's: see {@link freshToken}). */
async function upload(file: Buffer | string, name: string): Promise<{ status: number; location?: string }> {
  const form = new FormData();
  form.set('_csrf', admin.csrf);
  form.set('file', new Blob([file]), name);
  return admin.postMultipart('/console/knowledge/upload', form);
}

/** Opens the knowledge page, for a fresh CSRF token (outside the measured time: it is not the upload). */
async function freshToken(): Promise<void> {
  expect((await admin.get('/console/knowledge')).status).toBe(200);
}

/** The flash message shown on the knowledge page (once). */
async function flashText(): Promise<string> {
  const page = await admin.get('/console/knowledge');
  expect(page.status).toBe(200);
  return /<div class="flash[^"]*"[^>]*>([\s\S]*?)<\/div>/.exec(page.text)?.[1] ?? '';
}

async function filesIn(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => [] as string[]);
}

/**
 * Starts the parse thread if it is not running (the one before may have been stopped for going over a
 * limit), outside the measured time: starting a thread is not what an upload costs.
 */
async function warmParseThread(): Promise<void> {
  await s.app.kb.parser.parse(path.join(s.knowledgeDir, 'README.md'), s.knowledgeDir).catch(() => undefined);
}

/**
 * Runs `attempt` (its argument: the try's number, from 0) until the loop's delay in one try stays under
 * the bound, at most ATTEMPTS times; returns every try's delay. Each try checks its own outcome.
 */
async function calmestOf(attempt: (n: number) => Promise<number>): Promise<number[]> {
  const delays: number[] = [];
  for (let n = 0; n < ATTEMPTS; n += 1) {
    delays.push(await attempt(n));
    if (delays.at(-1)! < MAX_LOOP_DELAY_MS) break;
  }
  expect(Math.min(...delays), `event loop delayed ${delays.map((ms) => ms.toFixed(1)).join(', ')} ms`).toBeLessThan(MAX_LOOP_DELAY_MS);
  return delays;
}

/** Uploads a hostile file, measuring the loop; checks the refusal and that nothing of it is left. */
async function expectRefusedUpload(file: Buffer | string, name: string, storedAs: string, reason: RegExp): Promise<void> {
  const documentsBefore = (await s.app.kb.store.listDocuments()).length;
  const delays = await calmestOf(async (n) => {
    await warmParseThread();
    await freshToken();
    // Later tries call the health check only: the web chat allows 30 questions a minute from one address.
    const { result: up, maxDelayMs, answered } = await whileServing(() => upload(file, name), n === 0 ? QUESTIONS_PER_TEST : 0);
    expect(up.status).toBe(303);
    expect(up.location).toBe('/console/knowledge');
    const flash = await flashText();
    expect(flash).toContain(`Tệp “${storedAs}” bị từ chối và đã được xóa: `);
    expect(flash).toMatch(reason);
    expect(flash).toBe(flash.normalize('NFC'));
    expect(await filesIn(pendingDir())).not.toContain(storedAs);
    expect(await filesIn(uploadsDir())).not.toContain(storedAs);
    expect((await s.app.kb.store.listDocuments()).length).toBe(documentsBefore);
    expect(answered).toBeGreaterThanOrEqual(1);
    return maxDelayMs;
  });
  console.info(`${name}: ${Buffer.byteLength(file)} bytes refused; loop delay max per try ${delays.map((ms) => ms.toFixed(1)).join(', ')} ms`);
}

describe('a .docx declaring tens of MiB of paragraphs', () => {
  it('is refused from its zip directory (XML over the cap), not parsed', async () => {
    const docx = await paragraphsDocx(40);
    expect(docx.length).toBeLessThan(200 * 1024); // ~123 KB
    await expectRefusedUpload(docx, 'Bốn mươi MiB đoạn.docx', 'bon-muoi-mib-doan.docx', /phần văn bản XML của tệp \.docx giải nén ra 40 MB, vượt giới hạn 1 MB/);
  });

  it('is refused from its tag count when it stays under the XML cap', async () => {
    // 0.9 MiB of one-letter paragraphs (166,000 tags): mammoth would need some 200 MB for them.
    const docx = await paragraphsDocx(0.9);
    expect(docx.length).toBeLessThan(10 * 1024);
    await expectRefusedUpload(docx, 'doan-ngan.docx', 'doan-ngan.docx', /tệp \.docx có hơn [\d.]+ thẻ XML/);
  });
});

describe('YAML aliases in front matter ("billion laughs")', () => {
  it('refuses a ~500-byte Markdown file and keeps it out of the database and the folders', async () => {
    const markdown = billionLaughsMarkdown('thu-bi-danh');
    expect(Buffer.byteLength(markdown)).toBeLessThan(600);
    await expectRefusedUpload(markdown, 'cuoi.md', 'cuoi.md', /dùng bí danh YAML \(\*a\)/);
    expect((await s.app.kb.store.listDocuments()).some((d) => d.id === 'thu-bi-danh')).toBe(false);
  });
});

describe('a PDF whose stream inflates to gigabytes', () => {
  it('refuses a 2 MB PDF inflating to 2 GiB before pdfjs reads it', async () => {
    const pdf = inflatingPdf(2048);
    expect(pdf.length).toBeLessThan(2.5 * 1024 * 1024);
    await expectRefusedUpload(pdf, 'bung-2-gib.pdf', 'bung-2-gib.pdf', /các luồng dữ liệu nén trong tệp PDF giải nén ra hơn 16 MB/);
  });

  it('refuses one the stream check skips (disguised as an image) by the memory backstop', async () => {
    const pdf = inflatingPdf(512, '/Subtype /Image ');
    await expectRefusedUpload(pdf, 'an-danh.pdf', 'an-danh.pdf', new RegExp(`đọc tệp cần hơn ${MEMORY_MB} MB bộ nhớ`));
  });
});

describe('hostile files left by an earlier version', () => {
  it('removes a pending .docx that the parse thread refuses when its form is opened', async () => {
    const docx = await paragraphsDocx(40);
    await mkdir(pendingDir(), { recursive: true });
    await calmestOf(async (n) => {
      await writeFile(path.join(pendingDir(), 'con-sot.docx'), docx);
      await warmParseThread();
      const { result: page, maxDelayMs } = await whileServing(() => admin.get('/console/knowledge/pending/con-sot.docx'), n === 0 ? QUESTIONS_PER_TEST : 0);
      expect(page.status).toBe(303);
      expect(page.location).toBe('/console/knowledge');
      expect(await flashText()).toMatch(/Tệp “con-sot\.docx” bị từ chối và đã được xóa: phần văn bản XML/);
      expect(existsSync(path.join(pendingDir(), 'con-sot.docx'))).toBe(false);
      return maxDelayMs;
    });
  });

  it('removes a refused file from uploads/ at the next re-index, and the re-index completes', async () => {
    await calmestOf(async (n) => {
      await writeFile(path.join(uploadsDir(), 'cuoi-cu.md'), billionLaughsMarkdown('thu-bi-danh-cu'));
      await admin.get('/console/knowledge');
      await warmParseThread();
      const { result: started, maxDelayMs } = await whileServing(async () => {
        const res = await admin.postJson('/console/knowledge/reindex', {}, { 'x-csrf-token': admin.csrf });
        for (;;) {
          const progress = JSON.parse((await admin.get('/console/knowledge/reindex/progress')).text) as { state: string; report?: { failed: { file: string; reason: string }[] } };
          if (progress.state === 'done' || progress.state === 'failed') return { res, progress };
          await sleep(50);
        }
      }, n === 0 ? QUESTIONS_PER_TEST : 0);
      expect(started.res.status).toBe(202);
      expect(started.progress.state).toBe('done');
      expect(started.progress.report?.failed).toEqual([{ file: 'uploads/cuoi-cu.md', reason: expect.stringContaining('bí danh YAML'), refused: true }]);
      expect(existsSync(path.join(uploadsDir(), 'cuoi-cu.md'))).toBe(false);
      return maxDelayMs;
    });
  });
});
