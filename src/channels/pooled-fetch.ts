import { Agent, request } from 'undici';

/** The subset of `fetch` that bot API clients (grammY) call: a JSON request, a response read as JSON. */
export type JsonFetch = (url: string | URL, init?: { method?: string; headers?: Record<string, string>; body?: unknown; signal?: AbortSignal }) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}>;

/**
 * A `fetch` for API clients built on undici's `request` over one keep-alive pool: per call it costs a
 * fraction of node-fetch's (which grammY uses by default), and every answer is one outgoing call.
 * Bodies other than strings and buffers (file uploads as streams) go through the global `fetch`.
 */
export function createPooledFetch(options: { connections?: number } = {}): { fetch: JsonFetch; close(): Promise<void> } {
  const dispatcher = new Agent({ connections: options.connections ?? 64, keepAliveTimeout: 30_000 });
  const fetchJson: JsonFetch = async (url, init = {}) => {
    const body = init.body;
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      return fetch(url, init as RequestInit);
    }
    const response = await request(url, {
      method: (init.method ?? 'GET') as 'GET',
      headers: init.headers,
      body: body as string | Uint8Array | undefined,
      signal: init.signal,
      dispatcher,
    });
    return {
      ok: response.statusCode >= 200 && response.statusCode < 300,
      status: response.statusCode,
      json: () => response.body.json(),
    };
  };
  return { fetch: fetchJson, close: () => dispatcher.close() };
}
