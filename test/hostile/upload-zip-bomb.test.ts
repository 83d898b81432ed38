import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES, UPLOAD_TYPES_TEXT } from '../../src/web/console/knowledge/files.js';
import { docxParts, zipArchive, type ZipPart } from '../helpers/hostile-files.js';
import { ADMIN, startWebServer, WebClient, type WebServer } from '../web/web-fixture.js';

/*
 * Hostile files through the web console's upload path, over HTTP, signed in as an admin: zip bombs
 * disguised as .docx (one declaring its real size, one whose zip headers lie about it), path traversal
 * in the file name (and in the pending-file route), forbidden extensions and a file over the size
 * limit. Each is refused with a Vietnamese message or neutralised; nothing is written outside the
 * knowledge folder; the server keeps answering; the process does not balloon (the server runs in this
 * process, so its peak RSS is measured here).
 */

const MiB = 1024 * 1024;
const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const BOMB_MIB = 256;
const TYPES_REFUSED = `Chỉ nhận tệp ${UPLOAD_TYPES_TEXT}.`;

// ── a zip bomb shaped like a Word document ───────────────────────────────────────────────────────────

/**
 * The parts of a real .docx (content types, relationships) around a word/document.xml holding one
 * paragraph of `mib` MiB of the same letter: a few hundred KB that inflate to hundreds of MB.
 */
async function bombParts(mib: number): Promise<ZipPart[]> {
  const block = Buffer.alloc(MiB, 'A');
  function* documentXml() {
    yield Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}"><w:body><w:p><w:r><w:t>`);
    for (let i = 0; i < mib; i++) yield block;
    yield Buffer.from('</w:t></w:r></w:p></w:body></w:document>');
  }
  return docxParts(documentXml());
}

// ── measuring ────────────────────────────────────────────────────────────────────────────────────────

/**
 * Runs `work` and returns how far the process's resident memory rose above where it started: the
 * highest of frequent samples, and the kernel's peak RSS when that peak was set during `work`.
 */
async function rssGrowth(work: () => Promise<void>): Promise<number> {
  const start = process.memoryUsage().rss;
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  let sampled = start;
  const timer = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 2);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  sampled = Math.max(sampled, process.memoryUsage().rss);
  const peakAfter = process.resourceUsage().maxRSS * 1024;
  return Math.max(sampled, peakAfter > peakBefore ? peakAfter : 0) - start;
}

/** Every file under `root` with its size (paths relative to `root`). */
async function filesUnder(root: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const abs = path.join(entry.parentPath, entry.name);
    out.set(path.relative(root, abs), (await stat(abs)).size);
  }
  return out;
}

// ── the server ───────────────────────────────────────────────────────────────────────────────────────

let s: WebServer;
let admin: WebClient;
let honestBomb: Buffer;
let lyingBomb: Buffer;
let outsideBefore: Map<string, number>;

/** Files of the temporary folder that are not in the knowledge folder (the database's are allowed to change size). */
async function outsideKnowledge(): Promise<Map<string, number>> {
  const all = await filesUnder(s.dataDir);
  const knowledge = path.relative(s.dataDir, s.knowledgeDir) + path.sep;
  return new Map(
    [...all].filter(([file]) => !file.startsWith(knowledge)).map(([file, size]) => [file, file.startsWith(`data${path.sep}`) ? 0 : size]),
  );
}

const pendingDir = () => path.join(s.knowledgeDir, 'uploads', '_pending');

async function upload(file: Buffer | string, name: string): Promise<{ status: number; location?: string }> {
  await admin.get('/console/knowledge'); // a fresh CSRF token
  const form = new FormData();
  form.set('_csrf', admin.csrf);
  form.set('file', new Blob([file]), name);
  return admin.postMultipart('/console/knowledge/upload', form);
}

/** The flash message the knowledge page shows after a refused upload. */
async function flashOnKnowledgePage(): Promise<string> {
  const page = await admin.get('/console/knowledge');
  expect(page.status).toBe(200);
  return page.text;
}

async function expectServing(): Promise<void> {
  expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  expect((await admin.get('/console/knowledge')).status).toBe(200);
}

const META = {
  id: 'hd-thu-bom-nen',
  title: 'Hướng dẫn thử tệp nén độc hại',
  doc_type: 'thu-tuc',
  status: 'in_force',
  topic: 'thu-nghiem',
  source_url: 'https://example.invalid/bom',
  reviewed: '2026-11-01',
};

beforeAll(async () => {
  s = await startWebServer();
  admin = new WebClient(s.url);
  expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(303);
  const parts = await bombParts(BOMB_MIB);
  honestBomb = zipArchive(parts);
  // The same archive, its headers claiming word/document.xml is 100 KB.
  lyingBomb = zipArchive(parts, (p) => (p.name === 'word/document.xml' ? 100_000 : p.size));
  outsideBefore = await outsideKnowledge();
});

afterAll(async () => {
  await s?.stop();
});

describe('a .docx zip bomb', () => {
  for (const [label, bomb, reason] of [
    ['that declares its real size', () => honestBomb, /tệp \.docx giải nén ra tới 256 MB, vượt giới hạn 64 MB \(có thể là tệp nén độc hại, “zip bomb”\)/],
    ['whose zip headers lie about its size', () => lyingBomb, /phần word\/document\.xml của tệp \.docx giải nén ra nhiều hơn 100000 byte mà tệp khai báo \(có thể là tệp nén độc hại, “zip bomb”\)/],
  ] as const) {
    it(`is refused at upload with a Vietnamese message, without inflating it, and removed: ${label}`, async () => {
      const file = bomb();
      expect(file.length).toBeLessThan(400 * 1024); // a few hundred KB…
      expect(file.includes('word/document.xml')).toBe(true);
      const documentsBefore = (await s.app.kb.store.listDocuments()).length;

      const growth = await rssGrowth(async () => {
        // The upload reads the file at once (in the parse thread): refused, it never waits in the pending list.
        const up = await upload(file, 'Bom nén.docx');
        expect(up.status).toBe(303);
        expect(up.location).toBe('/console/knowledge');
        const page = await flashOnKnowledgePage();
        expect(page).toContain('Tệp “bom-nen.docx” bị từ chối và đã được xóa: ');
        expect(page).toMatch(reason);
      });
      // …that would be 256 MiB (and several times that as strings and XML) if they were inflated.
      expect(growth, `RSS grew by ${(growth / MiB).toFixed(0)} MiB`).toBeLessThan(200 * MiB);

      expect((await s.app.kb.store.listDocuments()).length).toBe(documentsBefore);
      expect(existsSync(path.join(pendingDir(), 'bom-nen.docx'))).toBe(false);
      expect(existsSync(path.join(s.knowledgeDir, 'uploads', 'bom-nen.docx'))).toBe(false);
      expect(existsSync(path.join(s.knowledgeDir, 'uploads', 'bom-nen.meta.yaml'))).toBe(false);
      expect(await outsideKnowledge()).toEqual(outsideBefore);
      await expectServing();
    });
  }
});

describe('path traversal', () => {
  it('keeps an upload named with a path inside the pending folder, under a safe name', async () => {
    const names: [string, string | undefined][] = [
      ['../../etc/passwd.md', 'passwd.md'],
      ['..\\..\\x.md', 'x.md'],
      ['../../../hostile-escape.md', 'hostile-escape.md'],
      ['..\\..\\..\\..\\hostile-back.md', 'hostile-back.md'],
      ['/etc/cron.d/hostile-abs.md', 'hostile-abs.md'],
      ['C:\\Windows\\System32\\hostile-win.md', 'hostile-win.md'],
      ['....//....//hostile-dots.md', 'hostile-dots.md'],
      ['uploads/_pending/../../../hostile-up.md', 'hostile-up.md'],
      ['..%2F..%2Fhostile-encoded.md', undefined],
      ['.hidden.md', undefined],
      ['_pending.md', undefined],
    ];
    const pendingBefore = existsSync(pendingDir()) ? new Set(await readdir(pendingDir())) : new Set<string>();
    const knowledgeBefore = await filesUnder(s.knowledgeDir);

    const stored: string[] = [];
    for (const [name, expected] of names) {
      const content = `# Tài liệu thử tên tệp\n\nNội dung tải lên với tên ${name} để thử.\n`;
      const up = await upload(content, name);
      expect(up.status, name).toBe(303);
      const match = /^\/console\/knowledge\/pending\/([a-z0-9][a-z0-9-]*\.md)$/.exec(up.location ?? '');
      expect(match, `${name} → ${up.location}`).not.toBeNull();
      const safe = match![1]!;
      if (expected) expect(safe, name).toBe(expected);
      expect(await readFile(path.join(pendingDir(), safe), 'utf8'), name).toBe(content);
      stored.push(path.join('uploads', '_pending', safe));
    }

    // Only the pending files are new in the knowledge folder, and nothing is new anywhere else.
    const added = [...(await filesUnder(s.knowledgeDir)).keys()].filter((f) => !knowledgeBefore.has(f));
    expect(added.sort()).toEqual(stored.filter((f) => !pendingBefore.has(path.basename(f))).sort());
    expect(await outsideKnowledge()).toEqual(outsideBefore);
    for (const outside of ['/etc/passwd.md', '/etc/cron.d/hostile-abs.md', path.join(path.dirname(s.dataDir), 'hostile-escape.md'), path.join(s.knowledgeDir, 'etc')]) {
      expect(existsSync(outside), outside).toBe(false);
    }

    for (const file of stored) await admin.post(`/console/knowledge/pending/${path.basename(file)}/discard`, {});
    await expectServing();
  });

  it('does not let the pending-file routes reach outside the pending folder', async () => {
    const sentinel = path.join(s.dataDir, 'sentinel.md');
    const knowledgeSentinel = path.join(s.knowledgeDir, 'uploads', 'sentinel.md');
    await writeFile(sentinel, '# Không được xóa\n');
    await writeFile(knowledgeSentinel, '# Không được xóa\n');
    try {
      for (const name of ['..%2F..%2F..%2Fsentinel.md', '..%2Fsentinel.md', '..%5C..%5Csentinel.md', '%2E%2E%2Fsentinel.md', '..', '.%2E']) {
        await admin.get('/console/knowledge');
        const discard = await admin.post(`/console/knowledge/pending/${name}/discard`, {});
        expect(discard.status, name).toBeLessThan(500);
        const view = await admin.get(`/console/knowledge/pending/${name}`);
        expect(view.status, name).toBeLessThan(500);
        expect(view.text, name).not.toContain('Không được xóa');
        await admin.get('/console/knowledge');
        const publish = await admin.post(`/console/knowledge/pending/${name}`, { ...META, id: 'hd-thu-duong-dan-cho' });
        expect(publish.status, name).toBeLessThan(500);
      }
      expect(await readFile(sentinel, 'utf8')).toBe('# Không được xóa\n');
      expect(await readFile(knowledgeSentinel, 'utf8')).toBe('# Không được xóa\n');
      expect((await s.app.kb.store.listDocuments()).some((d) => d.id === 'hd-thu-duong-dan-cho')).toBe(false);
    } finally {
      await rm(knowledgeSentinel, { force: true });
      await rm(sentinel, { force: true });
    }
    await expectServing();
  });
});

describe('forbidden types and sizes', () => {
  it('refuses forbidden extensions with a Vietnamese message and writes nothing', async () => {
    const knowledgeBefore = await filesUnder(s.knowledgeDir);
    for (const name of ['trang.html', 'trang.htm', 'chay.exe', 'anh.svg', 'ma.js', 'tai-lieu.md.exe', 'tai-lieu.docm', 'tai-lieu.md.', 'khong-co-duoi', '.md', 'TAI-LIEU.HTML', 'x.phtml']) {
      const up = await upload('<html><script>alert(1)</script></html>', name);
      expect(up.status, name).toBe(303);
      expect(up.location, name).toBe('/console/knowledge');
      expect(await flashOnKnowledgePage(), name).toContain(TYPES_REFUSED);
    }
    // Allowed extensions whose bytes are something else are refused too.
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00'), Buffer.alloc(200)]);
    await upload(exe, 'ho-so.docx');
    expect(await flashOnKnowledgePage()).toContain('Tệp “ho-so.docx” bị từ chối: Tệp không phải .docx');
    await upload(exe, 'ho-so.pdf');
    expect(await flashOnKnowledgePage()).toContain('Tệp “ho-so.pdf” bị từ chối: Tệp không phải PDF');
    await upload(Buffer.from([0xff, 0xfe, 0x23, 0x00, 0x20, 0x00]), 'utf16.md');
    expect(await flashOnKnowledgePage()).toContain('Tệp “utf16.md” bị từ chối: Tệp Markdown không phải văn bản UTF-8');

    expect(await filesUnder(s.knowledgeDir)).toEqual(knowledgeBefore);
    expect(await outsideKnowledge()).toEqual(outsideBefore);
    await expectServing();
  });

  it(`refuses a file over the ${MAX_UPLOAD_BYTES / MiB} MB limit, and more than one file, without keeping them`, async () => {
    const knowledgeBefore = await filesUnder(s.knowledgeDir);
    const growth = await rssGrowth(async () => {
      const big = Buffer.alloc(MAX_UPLOAD_BYTES + 1, 'a');
      const up = await upload(big, 'qua-lon.md');
      expect(up.status).toBe(303);
      expect(up.location).toBe('/console/knowledge');
      expect(await flashOnKnowledgePage()).toContain(`Tệp quá lớn (giới hạn ${MAX_UPLOAD_BYTES / MiB} MB).`);
    });
    expect(growth, `RSS grew by ${(growth / MiB).toFixed(0)} MiB`).toBeLessThan(200 * MiB);

    await admin.get('/console/knowledge');
    const two = new FormData();
    two.set('_csrf', admin.csrf);
    two.append('file', new Blob(['# Một\n']), 'mot.md');
    two.append('file', new Blob(['# Hai\n']), 'hai.md');
    const res = await admin.postMultipart('/console/knowledge/upload', two);
    expect(res.location).toBe('/console/knowledge');
    expect(await flashOnKnowledgePage()).toContain('Mỗi lần chỉ tải lên một tệp');

    expect(await filesUnder(s.knowledgeDir)).toEqual(knowledgeBefore);
    expect(await outsideKnowledge()).toEqual(outsideBefore);
    await expectServing();
  });
});
