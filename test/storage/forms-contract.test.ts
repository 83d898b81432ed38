import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EscalationStores } from '../../src/escalation/stores.js';
import type { FormStore } from '../../src/forms/form-store.js';
import type { FormEntry, FormFile } from '../../src/forms/types.js';
import { Database } from '../../src/storage/database.js';
import { createPostgresEscalationStores } from '../../src/storage/postgres/escalation-stores.js';
import { PgFormStore } from '../../src/storage/postgres/form-repository.js';
import { createSqliteEscalationStores } from '../../src/storage/sqlite/escalation-stores.js';
import { SqliteFormStore } from '../../src/storage/sqlite/form-repository.js';
import { describePostgres, openMigratedPg, usePostgresDatabase } from '../helpers/postgres.js';
import { useTempDir } from '../helpers/temp-dir.js';

/*
 * What every engine's form registry must do (migration 15): seed without touching what is there, keep a
 * file's bytes exactly, drop a platform's reference when the file changes, one link secret for all callers;
 * and the outbox's `document` kind with its attachment. One suite, on SQLite always and on PostgreSQL when a
 * server is there.
 */

interface Engine {
  forms: FormStore;
  stores: EscalationStores;
  close(): Promise<void>;
}

const ENTRIES: FormEntry[] = [
  { number: '01', name: 'Bản khai 01', legalBasis: 'Phụ lục I Nghị định 131/2021/NĐ-CP', procedures: ['Điều 7 Nghị định 131/2021/NĐ-CP'] },
  { number: '12', name: 'Bản khai 12', legalBasis: 'Phụ lục I Nghị định 131/2021/NĐ-CP', procedures: ['Điều 122 Nghị định 131/2021/NĐ-CP', 'Điều 123 Nghị định 131/2021/NĐ-CP'] },
  { number: '103', name: 'Giấy báo tin mộ liệt sĩ', legalBasis: 'Phụ lục I Nghị định 131/2021/NĐ-CP', procedures: [] },
];

function fileOf(bytes: Buffer, over: Partial<FormFile> = {}): FormFile {
  return {
    fileName: 'Mau-so-12.pdf',
    type: 'application/pdf',
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    uploadedAt: '2026-12-06T08:00:00.000Z',
    uploadedBy: 'quantri@sonv.gov.vn',
    bytes,
    ...over,
  };
}

function contract(open: () => Promise<Engine>): void {
  let engine: Engine;
  beforeEach(async () => {
    engine = await open();
  });
  afterEach(async () => {
    await engine.close();
  });

  it('seeds the forms in order, once: a second seed adds only new numbers and keeps names and files', async () => {
    const { forms } = engine;
    expect(await forms.seed(ENTRIES)).toBe(3);
    await forms.putFile('12', fileOf(Buffer.from('%PDF-1.4 a')));
    expect(await forms.seed([{ ...ENTRIES[1]!, name: 'đổi tên' }, { number: '02', name: 'Bản khai 02', legalBasis: 'x', procedures: [] }])).toBe(1);
    // The seed's order is the registry's: a number added later sits by its position in the later seed.
    expect((await forms.list()).map((f) => f.number)).toEqual(['01', '02', '12', '103']);
    const twelve = await forms.get('12');
    expect(twelve).toMatchObject({ number: '12', name: 'Bản khai 12', procedures: ENTRIES[1]!.procedures, file: { fileName: 'Mau-so-12.pdf', size: 10 } });
    expect(await forms.get('99')).toBeUndefined();
  });

  it('keeps a file byte for byte, replaces it, removes it; an unknown form takes no file', async () => {
    const { forms } = engine;
    await forms.seed(ENTRIES);
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x80, 0x0a]);
    expect(await forms.putFile('12', fileOf(bytes))).toBe(true);
    const stored = await forms.file('12');
    expect(stored?.bytes.equals(bytes)).toBe(true);
    expect(stored).toMatchObject({ type: 'application/pdf', size: bytes.length, uploadedBy: 'quantri@sonv.gov.vn' });
    expect((await forms.list()).find((f) => f.number === '12')?.file?.sha256).toBe(stored?.sha256);

    const docx = Buffer.from('PK\u0003\u0004 word/document.xml');
    await forms.putFile('12', fileOf(docx, { fileName: 'Mau-so-12.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }));
    expect((await forms.file('12'))?.bytes.equals(docx)).toBe(true);
    expect(await forms.putFile('77', fileOf(bytes))).toBe(false);

    expect(await forms.removeFile('12')).toBe(true);
    expect(await forms.removeFile('12')).toBe(false);
    expect(await forms.file('12')).toBeUndefined();
    expect((await forms.get('12'))?.file).toBeUndefined();
  });

  it('keeps a platform reference for the file in place only, and forgets it when the file changes', async () => {
    const { forms } = engine;
    await forms.seed(ENTRIES);
    const first = fileOf(Buffer.from('%PDF-1.4 first'));
    await forms.putFile('12', first);
    await forms.savePlatformRef('12', 'telegram', first.sha256, 'file-id-1');
    await forms.savePlatformRef('12', 'telegram', 'not-the-file-in-place', 'file-id-x');
    expect(await forms.platformRef('12', 'telegram', first.sha256)).toBe('file-id-1');
    expect(await forms.platformRef('12', 'zalo-oa', first.sha256)).toBeUndefined();
    await forms.savePlatformRef('12', 'telegram', first.sha256, 'file-id-2');
    expect(await forms.platformRef('12', 'telegram', first.sha256)).toBe('file-id-2');

    const second = fileOf(Buffer.from('%PDF-1.4 second'));
    await forms.putFile('12', second);
    expect(await forms.platformRef('12', 'telegram', first.sha256)).toBeUndefined();
    expect(await forms.platformRef('12', 'telegram', second.sha256)).toBeUndefined();
  });

  it('gives every caller the first secret written', async () => {
    const { forms } = engine;
    const [a, b] = await Promise.all([forms.linkSecret('secret-a'), forms.linkSecret('secret-b')]);
    expect(a).toBe(b);
    expect(await forms.linkSecret('secret-c')).toBe(a);
  });

  it('queues a document in the outbox with its attachment', async () => {
    const { stores } = engine;
    const queued = await stores.outbox.enqueue({ channel: 'telegram', chatId: '7', kind: 'document', text: 'Mẫu số 12', attachment: 'form:12', dedupKey: 'document:x', createdAt: '2026-12-06T08:00:00.000Z' });
    expect(queued).toMatchObject({ kind: 'document', attachment: 'form:12', status: 'pending' });
    expect(await stores.outbox.enqueue({ channel: 'telegram', chatId: '7', kind: 'document', text: 'lần nữa', attachment: 'form:12', dedupKey: 'document:x', createdAt: '2026-12-06T08:00:00.000Z' })).toBeUndefined();
    const [claimed] = await stores.outbox.claimDue('2026-12-06T08:00:01.000Z', 1);
    expect(claimed).toMatchObject({ id: queued!.id, attachment: 'form:12' });
  });
}

describe('forms on SQLite', () => {
  const dir = useTempDir();
  let n = 0;
  contract(async () => {
    n += 1;
    const db = await Database.open(dir.file(`forms-${n}.sqlite`));
    return { forms: new SqliteFormStore(db), stores: createSqliteEscalationStores(db), close: () => db.close() };
  });
});

describePostgres('forms on PostgreSQL', () => {
  const database = usePostgresDatabase();
  contract(async () => {
    const db = await openMigratedPg(database.url);
    return { forms: new PgFormStore(db), stores: createPostgresEscalationStores(db), close: () => db.close() };
  });
});
