import type { Form, FormEntry, FormFile } from './types.js';

/**
 * The registry of forms as stored (table `forms`, with the uploaded files' bytes, so every instance on one
 * database can send them) and what platforms gave back for a file they took (a Telegram file_id).
 */
export interface FormStore {
  /** Adds the forms not yet registered (by number); existing ones, and their files, are left as they are. */
  seed(entries: readonly FormEntry[]): Promise<number>;
  /** Every form in the decree's order, without the files' bytes. */
  list(): Promise<Form[]>;
  get(number: string): Promise<Form | undefined>;
  /** The form's file with its bytes, when one was uploaded. */
  file(number: string): Promise<FormFile | undefined>;
  /** Puts (or replaces) a form's file; false for an unknown form. Platform references of the old file are dropped. */
  putFile(number: string, file: FormFile): Promise<boolean>;
  /** Removes a form's file; false when the form had none. */
  removeFile(number: string): Promise<boolean>;
  /** What `channel` gave back for the file with this hash (a Telegram file_id), if it took it before. */
  platformRef(number: string, channel: string, sha256: string): Promise<string | undefined>;
  savePlatformRef(number: string, channel: string, sha256: string, ref: string): Promise<void>;
  /** The secret that signs download links: made once (the first caller's `candidate`), then the same for every instance. */
  linkSecret(candidate: string): Promise<string>;
}
