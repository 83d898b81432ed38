import { createServer, type Server } from 'node:http';
import { StartupError } from './startup-error.js';

/**
 * Starts `server` listening; resolves once it listens. A port that cannot be opened (in use, not
 * allowed, an address not on this machine) rejects with a {@link StartupError} naming PORT or HOST.
 */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(listenError(error, port, host));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** The Vietnamese explanation of a failed `listen`, naming the variable to change. */
export function listenError(error: NodeJS.ErrnoException, port: number, host: string): StartupError {
  const other = port === 3000 ? 3001 : 3000;
  switch (error.code) {
    case 'EADDRINUSE':
      return new StartupError(
        `Không mở được cổng ${port} trên ${host}: cổng này đang có chương trình khác dùng (có thể là một Trợ lý Xã khác đang chạy). ` +
          `Dừng chương trình đó, hoặc đặt PORT là một cổng còn trống trong tệp .env (ví dụ PORT=${other}) rồi chạy lại.`,
        1,
        { cause: error },
      );
    case 'EACCES':
      return new StartupError(
        `Không được phép mở cổng ${port} (cổng dưới 1024 cần quyền quản trị hệ thống). ` +
          `Đặt PORT từ 1024 trở lên trong tệp .env (ví dụ PORT=3000) rồi chạy lại.`,
        1,
        { cause: error },
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(
        `Không mở được cổng ${port}: HOST=${host} không phải địa chỉ của máy này. ` +
          `Sửa HOST trong tệp .env (127.0.0.1 để chỉ dùng trên máy này, 0.0.0.0 để mở cho mạng nội bộ) rồi chạy lại.`,
        1,
        { cause: error },
      );
    default:
      return new StartupError(`Không mở được cổng PORT=${port} trên HOST=${host} (${error.code ?? error.message}). Kiểm tra PORT và HOST trong tệp .env rồi chạy lại.`, 1, {
        cause: error,
      });
  }
}

/**
 * Fails fast, before the slow part of start-up, when the port cannot be opened: binds it once and lets
 * it go. (The server's own `listen` still reports the same problem should the port be taken meanwhile.)
 */
export async function assertPortAvailable(port: number, host: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await listen(probe, port, host);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}
