import type { ServerResponse } from 'node:http';
import type { Request, Response } from 'express';

/** How a stored file is served: `hideLength` streams it chunked without Content-Length (a host that does not say). */
export interface ServedFile {
  bytes: Uint8Array;
  contentType: string;
  hideLength?: boolean;
}

/**
 * Files an emulated platform holds for its users (the photos and PDFs they send), served on the
 * emulator's own host as the platform's CDN serves them: `GET <root>/files/<id>`.
 */
export class EmulatedFiles {
  private readonly files = new Map<string, ServedFile>();
  private seq = 0;
  /** How many times each file was downloaded. */
  readonly downloads = new Map<string, number>();

  /** Stores a file; returns its path on the host (`/files/<id>`). */
  add(file: ServedFile): string {
    this.seq += 1;
    const id = `f${this.seq}-${Math.random().toString(36).slice(2, 10)}`;
    this.files.set(id, file);
    return `/files/${id}`;
  }

  /** Express handler for `GET /files/:id`. */
  readonly serve = (req: Request, res: Response): void => {
    const id = String(req.params['id']);
    const file = this.files.get(id);
    if (!file) {
      res.status(404).end();
      return;
    }
    this.downloads.set(id, (this.downloads.get(id) ?? 0) + 1);
    serveBytes(res, file);
  };
}

/** Writes a file, with its length or streamed in 64 KiB chunks without one. */
export function serveBytes(res: ServerResponse, file: ServedFile): void {
  if (!file.hideLength) {
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.bytes.byteLength) });
    res.end(Buffer.from(file.bytes));
    return;
  }
  res.writeHead(200, { 'content-type': file.contentType });
  const chunk = 64 * 1024;
  let offset = 0;
  const pump = (): void => {
    while (offset < file.bytes.byteLength) {
      const piece = Buffer.from(file.bytes.subarray(offset, offset + chunk));
      offset += chunk;
      // Stop writing once the client has gone (it refused the file halfway).
      if (res.destroyed) return;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}
