import express, { type Request, type RequestHandler } from 'express';
import { scanJson } from './json-scan.js';

/** The largest webhook body read (after any Content-Encoding is undone); larger ones get 413. */
export const WEBHOOK_BODY_LIMIT = '1mb';

/**
 * The deepest nesting of arrays and objects a webhook body may have. A Telegram update nests about 8
 * levels at most (a reply's inline keyboard); deeper bodies are refused before JSON.parse, so neither the
 * parser nor anything that walks the update (the inbox's JSON.stringify) meets a million-level array.
 */
export const WEBHOOK_MAX_DEPTH = 32;

/**
 * Reads the body as bytes, whatever its content type, capped at WEBHOOK_BODY_LIMIT (413 beyond, through
 * the app's error handler). Mounted by each webhook route after its cheap checks, so a request refused
 * for a missing or wrong secret is never read, let alone parsed.
 */
export function readRawBody(): RequestHandler {
  return express.raw({ limit: WEBHOOK_BODY_LIMIT, type: () => true });
}

/** The bytes readRawBody read (empty when the request had no body). */
export function rawBody(req: Request): Buffer {
  const body: unknown = req.body;
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

export type ParsedBody = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * The body as JSON, refused without parsing when it nests deeper than WEBHOOK_MAX_DEPTH (measured by
 * scanJson, one linear pass over the bytes, unless the caller has already measured it). One leading
 * byte-order mark is tolerated.
 */
export function parseJsonBody(raw: Buffer, depth = scanJson(raw).depth): ParsedBody {
  if (depth > WEBHOOK_MAX_DEPTH) return { ok: false, reason: `JSON nested deeper than ${WEBHOOK_MAX_DEPTH} levels` };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8').replace(/^\uFEFF/u, '')) as unknown };
  } catch {
    return { ok: false, reason: 'malformed JSON' };
  }
}

/** A JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
