import express, { type ErrorRequestHandler, type Express } from 'express';
import type { ChannelAdapter } from '../channels/types.js';
import type { Logger } from '../logger.js';

export interface HttpAppOptions {
  adapters: readonly ChannelAdapter[];
  logger: Logger;
  /** Extra routes (the web console, the web chat) mounted before the 404 handler. */
  mount?: (app: Express) => void;
  /**
   * Which proxies to believe about the client's address and scheme (`X-Forwarded-For`, `X-Forwarded-Proto`),
   * as express's `trust proxy` takes it: false (default: nobody — the socket address is the client), a number
   * of hops, or addresses/subnets/`loopback`. From `TRUST_PROXY`.
   */
  trustProxy?: TrustProxy;
  /** The body of /healthz (the server gives each channel's state). Default: `{ ok: true, channels: [names] }`. */
  health?: () => unknown;
}

/** express's `trust proxy` setting: nobody, a hop count, or a list of addresses, subnets and names (`loopback`). */
export type TrustProxy = false | number | readonly string[];

/**
 * One express 5 app for everything: `/healthz`, the channels' webhooks under `/webhooks/<channel>`, and
 * whatever `mount` adds. No body parser runs in front of the webhooks: each route checks its secret or
 * signature first and reads the body itself (src/channels/webhook-body.ts), so what an anonymous client
 * posts is never parsed. A bad body gets a 4xx and a log line, never a crash.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // Rate limits key on req.ip and cookies turn Secure on req.secure: both believe only the configured proxy.
  const trust = options.trustProxy ?? false;
  app.set('trust proxy', Array.isArray(trust) ? [...trust] : trust);

  app.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(options.health ? options.health() : { ok: true, channels: options.adapters.map((a) => a.name) });
  });

  for (const adapter of options.adapters) {
    if (adapter.router) app.use(`/webhooks/${adapter.name}`, adapter.router);
  }
  options.mount?.(app);

  app.use((req, res) => {
    res.status(404).json({ error: 'not found' });
  });

  const onError: ErrorRequestHandler = (error: unknown, req, res, _next) => {
    const e = error as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e.status ?? e.statusCode ?? 500;
    if (status >= 500) options.logger.error({ err: error, path: req.path }, 'request failed');
    else options.logger.warn({ path: req.path, status, type: e.type, reason: e.message }, 'request refused');
    if (res.headersSent) return;
    const message =
      e.type === 'entity.too.large' ? 'body too large' : e.type === 'entity.parse.failed' ? 'malformed JSON' : status >= 500 ? 'internal error' : (e.message ?? 'bad request');
    res.status(status).json({ error: message });
  };
  app.use(onError);
  return app;
}
