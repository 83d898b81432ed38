/**
 * Why a channel could not start, in words an operator can act on: the platform rejected the credentials
 * (fix .env and restart — retrying would not help), the platform cannot be reached (network, DNS,
 * firewall — retried), or something else (retried). Texts are Vietnamese and name the variables.
 */

interface Platform {
  name: string;
  /** The variables holding the credentials the platform checks. */
  credentials: string;
  /** How to get them right. */
  howToFix: string;
}

const PLATFORMS: Record<string, Platform> = {
  telegram: {
    name: 'Telegram',
    credentials: 'TELEGRAM_BOT_TOKEN',
    howToFix: 'dán đúng mã bot do @BotFather cấp (dạng 123456789:AA…; gửi /token cho @BotFather để xem lại)',
  },
  'zalo-bot': {
    name: 'Zalo Bot',
    credentials: 'ZALO_BOT_TOKEN',
    howToFix: 'dán đúng mã bot lấy ở trang quản lý Zalo Bot',
  },
  'zalo-oa': {
    name: 'Zalo OA',
    credentials: 'ZALO_OA_ACCESS_TOKEN / ZALO_OA_REFRESH_TOKEN',
    howToFix: 'cấp lại mã truy cập của Official Account trên trang Zalo for Developers',
  },
};

export function platformOf(channel: string): Platform {
  return PLATFORMS[channel] ?? { name: channel, credentials: 'cấu hình của kênh', howToFix: 'kiểm tra lại cấu hình của kênh' };
}

export type StartProblemKind = 'rejected' | 'unreachable' | 'other';

export interface StartProblem {
  kind: StartProblemKind;
  /** Retrying cannot help (the operator must change .env and restart). */
  permanent: boolean;
  /** One Vietnamese log line saying what happened and how to fix it. */
  text: string;
  /** A short form for /healthz. */
  summary: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ABORT_ERR',
]);

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  error_code?: unknown;
  errorCode?: unknown;
  description?: unknown;
  method?: unknown;
  retryable?: unknown;
  error?: unknown;
  cause?: unknown;
}

/** The first network error code found on the error or what it wraps (grammY's HttpError keeps it in `error`). */
function networkCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 4) return undefined;
  const e = error as ErrorShape;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return 'ETIMEDOUT';
  return networkCode(e.error, depth + 1) ?? networkCode(e.cause, depth + 1);
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'máy chủ từ chối kết nối',
  ENOTFOUND: 'không phân giải được tên miền (DNS)',
  EAI_AGAIN: 'không phân giải được tên miền (DNS)',
  ETIMEDOUT: 'hết thời gian chờ',
  UND_ERR_CONNECT_TIMEOUT: 'hết thời gian chờ kết nối',
  UND_ERR_HEADERS_TIMEOUT: 'hết thời gian chờ trả lời',
  UND_ERR_BODY_TIMEOUT: 'hết thời gian chờ trả lời',
  EHOSTUNREACH: 'không tới được máy chủ',
  ENETUNREACH: 'máy không có mạng',
  ENETDOWN: 'máy không có mạng',
};

/** Classifies an error thrown by `adapter.start()`. */
export function describeStartFailure(channel: string, error: unknown, retryInMs?: number): StartProblem {
  const platform = platformOf(channel);
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  const status = typeof e.error_code === 'number' ? e.error_code : typeof e.errorCode === 'number' ? e.errorCode : undefined;
  const description = typeof e.description === 'string' ? e.description : typeof e.message === 'string' ? e.message : String(error);
  const retry = retryInMs === undefined ? 'Trợ lý vẫn chạy và sẽ tự thử lại.' : `Trợ lý vẫn chạy và sẽ tự thử lại sau ${Math.round(retryInMs / 1000)} giây.`;
  const others = `Kênh ${platform.name} tạm ngừng; trang web và các kênh khác vẫn chạy.`;

  const code = networkCode(error);
  const isHttpError = e.name === 'HttpError' || (e.name === 'ZaloBotApiError' && status === undefined);
  if (code || isHttpError) {
    const why = code ? `${NETWORK_WORDS[code] ?? 'lỗi mạng'}, ${code}` : 'lỗi mạng';
    return {
      kind: 'unreachable',
      permanent: false,
      summary: `không kết nối được tới ${platform.name} (${why})`,
      text: `Không kết nối được tới ${platform.name} (${why}). Kiểm tra mạng, DNS, tường lửa hoặc proxy của máy chủ. ${retry}`,
    };
  }

  const rejected = status === 401 || status === 403 || status === 404 || e.name === 'OaTokenError' || (e.name === 'ZaloBotApiError' && e.retryable === false);
  if (rejected) {
    const what = status !== undefined ? `${status}: ${description}` : description;
    return {
      kind: 'rejected',
      permanent: true,
      summary: `${platform.name} từ chối ${platform.credentials} (${what})`,
      text: `${platform.name} từ chối ${platform.credentials} (${what}). Sửa ${platform.credentials} trong tệp .env — ${platform.howToFix} — rồi khởi động lại. ${others}`,
    };
  }

  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    const method = typeof e.method === 'string' ? ` khi gọi ${e.method}` : '';
    const webhook = /webhook/i.test(`${String(e.method)} ${description}`) ? ' (địa chỉ và mã bí mật webhook)' : '';
    return {
      kind: 'other',
      permanent: true,
      summary: `${platform.name} từ chối yêu cầu${method} (${status}: ${description})`,
      text: `${platform.name} từ chối yêu cầu${method} (${status}: ${description}). Kiểm tra cấu hình ${platform.name}${webhook} trong tệp .env rồi khởi động lại. ${others}`,
    };
  }

  return {
    kind: 'other',
    permanent: false,
    summary: `${platform.name} chưa khởi động được (${description})`,
    text: `Kênh ${platform.name} chưa khởi động được: ${description}. ${retry}`,
  };
}
