import { createHash } from 'node:crypto';
import path from 'node:path';
import { docxProblem, pdfProblem } from '../knowledge/file-signature.js';
import type { FormFile, FormFileType } from './types.js';

/** A form file refused, with the reason in Vietnamese (shown as is in the console and the CLI). */
export class FormFileError extends Error {}

const TYPES: Readonly<Record<string, { type: FormFileType; problem: (bytes: Buffer) => string | undefined }>> = {
  '.pdf': { type: 'application/pdf', problem: pdfProblem },
  '.docx': { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', problem: docxProblem },
};

/** The extension a stored file is sent with. */
export function extensionOf(type: FormFileType): string {
  return type === 'application/pdf' ? '.pdf' : '.docx';
}

/**
 * An uploaded form file checked and named: a .pdf or .docx whose first bytes agree with its name, at most
 * `maxBytes` (FORM_FILE_MAX_MB). It is sent as "Mau-so-12.pdf" whatever it was called on the admin's disk.
 *
 * @example
 * const file = checkFormFile({ number: '12', originalName: 'mau 12.pdf', bytes, maxBytes: 5 << 20, uploadedBy: 'a@b.vn', now: new Date() });
 */
export function checkFormFile(input: { number: string; originalName: string; bytes: Buffer; maxBytes: number; uploadedBy: string; now: Date }): FormFile {
  const { bytes, maxBytes } = input;
  if (bytes.length === 0) throw new FormFileError('Tệp rỗng.');
  if (bytes.length > maxBytes) throw tooLarge(bytes.length, maxBytes);
  const ext = path.extname(input.originalName.split(/[/\\]/).pop() ?? '').toLowerCase();
  const kind = TYPES[ext];
  if (!kind) throw new FormFileError('Chỉ nhận tệp biểu mẫu .pdf hoặc .docx.');
  const problem = kind.problem(bytes);
  if (problem) throw new FormFileError(problem);
  return {
    fileName: `Mau-so-${input.number}${ext}`,
    type: kind.type,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    uploadedAt: input.now.toISOString(),
    uploadedBy: input.uploadedBy,
    bytes,
  };
}

/** The refusal of a file over FORM_FILE_MAX_MB (also for one refused before it is read). */
export function tooLarge(size: number, maxBytes: number): FormFileError {
  return new FormFileError(`Tệp lớn ${megabytes(size)} MB, vượt giới hạn ${megabytes(maxBytes)} MB của tệp biểu mẫu (FORM_FILE_MAX_MB).`);
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 });
}
