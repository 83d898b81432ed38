import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { checkFormFile, FormFileError, tooLarge } from '../forms/form-file.js';
import { canonicalFormNumber } from '../forms/form-number.js';
import type { FormStore } from '../forms/form-store.js';
import { usingServices } from './using-services.js';

/** What the form commands need; `close` releases it when the command is done. */
export interface FormCommandServices {
  forms: FormStore;
  /** FORM_FILE_MAX_MB, in bytes. */
  maxFileBytes: number;
  close(): Promise<void>;
}

/**
 * Adds `trolyxa form list [--json]`, `trolyxa form upload <number> <file>` and `trolyxa form remove <number>`:
 * the form registry as the console's "Biểu mẫu" page shows and changes it. An upload is checked like the
 * console's (.pdf or .docx by its first bytes, FORM_FILE_MAX_MB); a refusal prints its Vietnamese reason
 * and exits with code 1.
 */
export function registerFormCommands(program: Command, open: () => Promise<FormCommandServices>): void {
  const form = program.command('form').description('The forms of NĐ 131 Phụ lục I and their official files (what /mau sends)');

  form
    .command('list')
    .description('List the forms, with the file each has')
    .option('--json', 'one JSON object a line: {"number", "name", "legal_basis", "file": {"name", "size", "sha256", "uploaded_at"} | null}')
    .action(async (options: { json?: boolean }) => {
      await using(open, async ({ forms }) => {
        for (const f of await forms.list()) {
          if (options.json) {
            const file = f.file ? { name: f.file.fileName, size: f.file.size, sha256: f.file.sha256, uploaded_at: f.file.uploadedAt } : null;
            console.log(JSON.stringify({ number: f.number, name: f.name, legal_basis: f.legalBasis, file }));
          } else {
            console.log(`Mẫu số ${f.number}: ${f.name}${f.file ? ` — tệp ${f.file.fileName} (${Math.ceil(f.file.size / 1024)} KB)` : ' — chưa có tệp'}`);
          }
        }
      });
    });

  form
    .command('upload <number> <file>')
    .description("Put (or replace) a form's official file (.pdf or .docx)")
    .action(async (number: string, file: string) => {
      await using(open, async ({ forms, maxFileBytes }) => {
        const canonical = canonicalNumber(number);
        if (!(await forms.get(canonical))) throw new FormFileError(`Không có Mẫu số ${number} trong danh mục.`);
        // The size is checked before the file is read, so a huge file is never loaded.
        const { size } = await stat(file);
        if (size > maxFileBytes) throw tooLarge(size, maxFileBytes);
        const bytes = await readFile(file);
        const checked = checkFormFile({ number: canonical, originalName: path.basename(file), bytes, maxBytes: maxFileBytes, uploadedBy: 'trolyxa form upload', now: new Date() });
        await forms.putFile(canonical, checked);
        console.log(`Đã lưu tệp Mẫu số ${canonical}: ${checked.fileName} (${Math.ceil(checked.size / 1024)} KB). Từ nay /mau ${canonical} gửi tệp này.`);
      });
    });

  form
    .command('remove <number>')
    .description("Remove a form's file (the bot then says where the form is published)")
    .action(async (number: string) => {
      await using(open, async ({ forms }) => {
        const canonical = canonicalNumber(number);
        if (!(await forms.removeFile(canonical))) throw new FormFileError(`Mẫu số ${canonical} chưa có tệp.`);
        console.log(`Đã gỡ tệp Mẫu số ${canonical}.`);
      });
    });
}

function using(open: () => Promise<FormCommandServices>, work: (services: FormCommandServices) => Promise<void>): Promise<void> {
  return usingServices(open, work, (error) => error instanceof FormFileError);
}

function canonicalNumber(number: string): string {
  if (!/^\d{1,3}$/.test(number.trim())) throw new FormFileError(`“${number}” không phải số mẫu (ví dụ: 12).`);
  return canonicalFormNumber(number.trim());
}

