import { ChatFileRefused, DOWNLOAD_FAILED_TEXT, NOT_ALLOWED_TEXT, tooLargeText } from './refusals.js';

/**
 * Where a channel may download files from: exact origins (the configured API root, e.g. Telegram's file
 * server or an emulator in tests) and, over HTTPS only, hosts under the platform's own domains (Zalo's
 * CDN). A URL in a webhook payload is fetched only when it is one of these: never an arbitrary address.
 */
export interface FileHostPolicy {
  origins: readonly string[];
  httpsHostSuffixes?: readonly string[];
}

export interface DownloadLimits {
  maxBytes: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

export interface DownloadedFile {
  bytes: Uint8Array;
  /** The Content-Type the host gave (the reader sniffs the bytes before trusting it). */
  contentType: string | undefined;
}

/** Redirects followed at most (each target checked against the policy). */
const MAX_REDIRECTS = 3;

/** Whether `url` may be fetched under `policy`. */
export function isAllowedFileUrl(url: string, policy: FileHostPolicy): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  if (policy.origins.some((origin) => originOf(origin) === parsed.origin)) return true;
  if (parsed.protocol !== 'https:' || parsed.port !== '') return false;
  const host = parsed.hostname.toLowerCase();
  return (policy.httpsHostSuffixes ?? []).some((suffix) => host === suffix || host.endsWith(`.${suffix}`));
}

/**
 * Downloads a file the platform holds, refusing (ChatFileRefused, Vietnamese) a URL outside `policy`, a
 * size over `maxBytes` announced in Content-Length or reached while streaming (the download stops
 * there), and a failed download. Errors never carry the URL: Telegram's file URLs hold the bot token.
 */
export async function downloadFile(url: string, policy: FileHostPolicy, limits: DownloadLimits): Promise<DownloadedFile> {
  const fetchFn = limits.fetch ?? globalThis.fetch;
  let target = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    if (!isAllowedFileUrl(target, policy)) throw new ChatFileRefused(NOT_ALLOWED_TEXT, 'not_allowed');
    let response: Response;
    try {
      response = await fetchFn(target, { redirect: 'manual', ...(limits.signal && { signal: limits.signal }) });
    } catch (error) {
      if (limits.signal?.aborted) throw limits.signal.reason ?? error;
      throw new ChatFileRefused(DOWNLOAD_FAILED_TEXT, 'download_failed');
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      await response.body?.cancel();
      if (!location) break;
      target = new URL(location, target).toString();
      continue;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new ChatFileRefused(DOWNLOAD_FAILED_TEXT, 'download_failed');
    }
    const announced = Number(response.headers.get('content-length'));
    if (Number.isFinite(announced) && announced > limits.maxBytes) {
      await response.body.cancel();
      throw new ChatFileRefused(tooLargeText(limits.maxBytes), 'too_large');
    }
    return { bytes: await readAtMost(response.body, limits.maxBytes), contentType: response.headers.get('content-type') ?? undefined };
  }
  throw new ChatFileRefused(DOWNLOAD_FAILED_TEXT, 'download_failed');
}

/** The stream's bytes, refusing once more than `maxBytes` arrived (a host may announce no length, or a wrong one). */
async function readAtMost(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new ChatFileRefused(tooLargeText(maxBytes), 'too_large');
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
