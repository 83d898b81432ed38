/* The registry of forms (tables `forms`, `form_file_refs`, `form_link_keys`): the same SQL on both engines. */
import type { FormStore } from '../../forms/form-store.js';
import type { Form, FormEntry, FormFile, FormFileInfo, FormFileType } from '../../forms/types.js';
import type { SqlTransactor } from './sql.js';

interface FormRow {
  number: string;
  name: string;
  legal_basis: string;
  procedures_json: string;
  file_name: string | null;
  file_type: string | null;
  file_size: number | string | null;
  file_sha256: string | null;
  file_uploaded_at: string | null;
  file_uploaded_by: string | null;
}

/** Every column but the bytes: listing the registry never reads the files. */
const FORM_COLUMNS = 'number, name, legal_basis, procedures_json, file_name, file_type, file_size, file_sha256, file_uploaded_at, file_uploaded_by';

export class SqlFormStore implements FormStore {
  constructor(private readonly db: SqlTransactor) {}

  seed(entries: readonly FormEntry[]): Promise<number> {
    return this.db.transaction(async () => {
      let added = 0;
      for (const [ordinal, entry] of entries.entries()) {
        const { changes } = await this.db.run(
          'INSERT INTO forms (number, ordinal, name, legal_basis, procedures_json) VALUES (?, ?, ?, ?, ?) ON CONFLICT (number) DO NOTHING',
          [entry.number, ordinal, entry.name, entry.legalBasis, JSON.stringify(entry.procedures)],
        );
        added += changes;
      }
      return added;
    });
  }

  async list(): Promise<Form[]> {
    return (await this.db.all<FormRow>(`SELECT ${FORM_COLUMNS} FROM forms ORDER BY ordinal, number`)).map(toForm);
  }

  async get(number: string): Promise<Form | undefined> {
    const row = await this.db.get<FormRow>(`SELECT ${FORM_COLUMNS} FROM forms WHERE number = ?`, [number]);
    return row && toForm(row);
  }

  async file(number: string): Promise<FormFile | undefined> {
    const row = await this.db.get<FormRow & { file_data: Buffer | null }>(`SELECT ${FORM_COLUMNS}, file_data FROM forms WHERE number = ?`, [number]);
    const info = row && fileInfo(row);
    return info && row.file_data ? { ...info, bytes: Buffer.from(row.file_data) } : undefined;
  }

  putFile(number: string, file: FormFile): Promise<boolean> {
    return this.db.transaction(async () => {
      const { changes } = await this.db.run(
        `UPDATE forms SET file_name = ?, file_type = ?, file_size = ?, file_sha256 = ?, file_data = ?, file_uploaded_at = ?, file_uploaded_by = ?
         WHERE number = ?`,
        [file.fileName, file.type, file.size, file.sha256, file.bytes, file.uploadedAt, file.uploadedBy, number],
      );
      if (changes === 0) return false;
      await this.db.run('DELETE FROM form_file_refs WHERE form_number = ?', [number]);
      return true;
    });
  }

  removeFile(number: string): Promise<boolean> {
    return this.db.transaction(async () => {
      const { changes } = await this.db.run(
        `UPDATE forms SET file_name = NULL, file_type = NULL, file_size = NULL, file_sha256 = NULL, file_data = NULL, file_uploaded_at = NULL, file_uploaded_by = NULL
         WHERE number = ? AND file_sha256 IS NOT NULL`,
        [number],
      );
      await this.db.run('DELETE FROM form_file_refs WHERE form_number = ?', [number]);
      return changes === 1;
    });
  }

  async platformRef(number: string, channel: string, sha256: string): Promise<string | undefined> {
    const row = await this.db.get<{ ref: string }>('SELECT ref FROM form_file_refs WHERE form_number = ? AND channel = ? AND file_sha256 = ?', [
      number,
      channel,
      sha256,
    ]);
    return row?.ref;
  }

  async savePlatformRef(number: string, channel: string, sha256: string, ref: string): Promise<void> {
    // Only for the file still in place: a reference to a replaced file would send the old one.
    await this.db.run(
      `INSERT INTO form_file_refs (form_number, channel, file_sha256, ref)
       SELECT number, ?, ?, ? FROM forms WHERE number = ? AND file_sha256 = ?
       ON CONFLICT (form_number, channel) DO UPDATE SET file_sha256 = excluded.file_sha256, ref = excluded.ref`,
      [channel, sha256, ref, number, sha256],
    );
  }

  async linkSecret(candidate: string): Promise<string> {
    await this.db.run('INSERT INTO form_link_keys (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING', [candidate]);
    return (await this.db.get<{ secret: string }>('SELECT secret FROM form_link_keys WHERE id = 1'))!.secret;
  }
}

function toForm(row: FormRow): Form {
  const file = fileInfo(row);
  return {
    number: row.number,
    name: row.name,
    legalBasis: row.legal_basis,
    procedures: parseList(row.procedures_json),
    ...(file && { file }),
  };
}

function fileInfo(row: FormRow): FormFileInfo | undefined {
  if (row.file_sha256 === null || row.file_name === null || row.file_type === null) return undefined;
  return {
    fileName: row.file_name,
    type: row.file_type as FormFileType,
    size: Number(row.file_size),
    sha256: row.file_sha256,
    uploadedAt: row.file_uploaded_at ?? '',
    uploadedBy: row.file_uploaded_by ?? '',
  };
}

function parseList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
