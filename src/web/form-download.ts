import { Router } from 'express';
import type { FormDelivery } from '../forms/form-delivery.js';
import { FORM_LINK_REFUSED } from '../forms/form-texts.js';

/**
 * Serves form files at `/forms/<number>/<file name>?e=…&s=…` to whoever holds a link the bot signed (Zalo
 * Bot and web chat users, who get links instead of files). A forged, altered, expired or replaced file's link
 * gets 403 with a Vietnamese explanation; nothing tells which of these it was.
 */
export function createFormDownloadRouter(delivery: Pick<FormDelivery, 'download'>): Router {
  const router = Router();
  router.get('/:number/:name', async (req, res, next) => {
    try {
      const { e, s } = req.query;
      const file = await delivery.download(req.params.number, {
        ...(typeof e === 'string' && { e }),
        ...(typeof s === 'string' && { s }),
      });
      res.set('Cache-Control', 'private, no-store');
      if (!file) {
        res.status(403).type('text/plain; charset=utf-8').send(FORM_LINK_REFUSED);
        return;
      }
      res
        .set({
          'Content-Type': file.type,
          'Content-Disposition': `attachment; filename="${file.fileName}"`,
          'X-Content-Type-Options': 'nosniff',
        })
        .send(file.bytes);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
