import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stderr (stdout stays free for command output), with secrets redacted wherever they
 * might appear in a logged object.
 */
export function createLogger(level: string, name = 'trolyxa'): Logger {
  return pino(
    {
      name,
      level,
      redact: {
        paths: ['*.apiKey', '*.token', '*.password', '*.secret', 'apiKey', 'token', 'password', 'secret', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}
