import type { Logger } from '../logger.js';

export interface ShutdownOptions {
  logger: Logger;
  /** After the first signal the process exits anyway after this long. Default 4 s, so Ctrl-C always ends it within 5 s. */
  graceMs?: number;
  signals?: readonly NodeJS.Signals[];
  /** Ends the process (tests replace it). Default `process.exit`. */
  exit?: (code: number) => void;
  /** Prints a line for the person at the terminal. Default: stderr. */
  say?: (line: string) => void;
  /** Where the signals come from (tests pass an EventEmitter). Default `process`. */
  source?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
}

export interface ShutdownHandle {
  /** What the next signal stops (the app during start-up, then the running server). */
  setStop(stop: () => Promise<void>): void;
  /** True once a signal arrived (start-up should give up). */
  readonly requested: boolean;
  /** Removes the signal handlers. */
  dispose(): void;
}

/**
 * Ctrl-C (SIGINT) and SIGTERM stop the process at any moment, start-up included: the first signal runs
 * the current `stop` and exits 0 when it is done, or 1 after `graceMs` if it is not; a second signal
 * exits at once. Install it before anything slow starts.
 */
export function handleShutdownSignals(options: ShutdownOptions): ShutdownHandle {
  const graceMs = options.graceMs ?? 4_000;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const say = options.say ?? ((line: string) => console.error(line));
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const source = options.source ?? process;
  let stop: () => Promise<void> = async () => undefined;
  let requested = false;

  const onSignal = (signal: NodeJS.Signals) => {
    if (requested) {
      say(`Nhận ${signal} lần nữa: dừng ngay.`);
      exit(130);
      return;
    }
    requested = true;
    options.logger.info({ signal }, 'shutting down');
    say(`Đang dừng Trợ lý Xã (${signal})…`);
    const force = setTimeout(() => {
      say(`Chưa dừng xong sau ${Math.round(graceMs / 1000)} giây: buộc dừng (câu hỏi đang xử lý dở sẽ được xử lý lại ở lần chạy sau).`);
      exit(1);
    }, graceMs);
    stop().then(
      () => {
        clearTimeout(force);
        say('Đã dừng Trợ lý Xã.');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(force);
        options.logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const signal of signals) source.on(signal, onSignal);

  return {
    setStop(next) {
      stop = next;
    },
    get requested() {
      return requested;
    },
    dispose() {
      for (const signal of signals) source.off(signal, onSignal);
    },
  };
}
