import type { RequestHandler } from 'express';
import multer from 'multer';
import { flash, isCsrfValid, CSRF_REFUSED } from './auth.js';
import type { ConsoleDeps } from './context.js';

/**
 * Reads one file from a multipart form (field `file`) into memory, within `maxBytes`. A refused upload
 * (too large, several files) is answered with a Vietnamese flash on `back` — after a CSRF check, since the
 * form's token could not be read — and never reaches the next handler.
 */
export function singleFileUpload(deps: ConsoleDeps, options: { maxBytes: number; back: string; tooLarge: string }): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: options.maxBytes, files: 1, fields: 40, fieldSize: 64 * 1024, parts: 45 },
    defParamCharset: 'utf8',
  });
  return (req, res, next) => {
    upload.single('file')(req, res, (error: unknown) => {
      if (!error) return next();
      const code = (error as { code?: string }).code;
      const text =
        code === 'LIMIT_FILE_SIZE'
          ? options.tooLarge
          : code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE'
            ? 'Mỗi lần chỉ tải lên một tệp, ở ô “Tệp”.'
            : 'Không đọc được tệp tải lên.';
      deps.logger.warn({ code }, 'console upload refused');
      if (!isCsrfValid(req)) {
        res.status(403).type('text/plain').send(CSRF_REFUSED);
        return;
      }
      void flash(deps, req, { kind: 'error', text }).then(() => res.redirect(303, options.back), next);
    });
  };
}
