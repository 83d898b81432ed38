import { Agent, request } from 'undici';

/**
 * A `fetch` for the OpenAI client built on undici's `request` over a keep-alive pool. The global fetch
 * spent about a fifth of the LLM thread's time in web-stream plumbing for small JSON bodies. Responses
 * are read whole before they are returned (the assistant never streams); a body that is not a string
 * or bytes goes through the global fetch.
 */
export function createLlmFetch(): { fetch: typeof fetch; close(): Promise<void> } {
  const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
  const llmFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = init.body ?? undefined;
    if (input instanceof Request || (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array))) {
      return fetch(input, init);
    }
    const response = await request(input, {
      method: (init.method ?? 'GET') as 'GET',
      headers: Object.fromEntries(new Headers(init.headers)),
      body,
      signal: init.signal ?? undefined,
      dispatcher,
    });
    const bytes = await response.body.arrayBuffer();
    const headers = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
    }
    const empty = response.statusCode === 204 || response.statusCode === 304 || init.method === 'HEAD';
    return new Response(empty ? null : bytes, { status: response.statusCode, headers });
  };
  return { fetch: llmFetch as typeof fetch, close: () => dispatcher.close() };
}
