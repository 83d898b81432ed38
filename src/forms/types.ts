/** A form of the registry: an official template (Mẫu số …) and, once an admin uploaded it, its file. */
export interface Form {
  /** As the decree numbers it, two digits at least: "01", "12", "103". */
  number: string;
  name: string;
  /** Where it is issued, e.g. "Phụ lục I Nghị định 131/2021/NĐ-CP". */
  legalBasis: string;
  /** The procedures (or articles) that use it. */
  procedures: string[];
  file?: FormFileInfo;
}

/** What is known of an uploaded file without reading its bytes. */
export interface FormFileInfo {
  fileName: string;
  /** MIME type, checked from the file's first bytes. */
  type: FormFileType;
  size: number;
  sha256: string;
  uploadedAt: string;
  /** The console account that uploaded it (its e-mail). */
  uploadedBy: string;
}

export type FormFileType = 'application/pdf' | 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A file with its bytes, as channels send it. */
export interface FormFile extends FormFileInfo {
  bytes: Buffer;
}

/** A form of the seed: everything but the file. */
export type FormEntry = Omit<Form, 'file'>;
