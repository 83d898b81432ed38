/**
 * A start-up problem the operator can fix. The message is Vietnamese, says what went wrong and names
 * the setting to change; the command prints it as it is (no stack) and exits with `exitCode`.
 */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StartupError';
  }
}
