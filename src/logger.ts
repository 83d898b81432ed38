import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

const REDACT = {
  paths: ['*.apiKey', '*.token', '*.password', '*.secret', 'apiKey', 'token', 'password', 'secret', 'headers.authorization'],
  censor: '[redacted]',
};

function build(level: string, name: string, destination: DestinationStream): Logger {
  return pino({ name, level, redact: REDACT }, destination);
}

/**
 * JSON logs on stderr (stdout stays free for command output), with secrets redacted wherever they
 * might appear in a logged object.
 */
export function createLogger(level: string, name = 'trolyxa'): Logger {
  return build(level, name, pino.destination(2));
}

/**
 * The same JSON logs appended to a file instead of the terminal — for interactive commands (`trolyxa
 * chat`), whose screen must show only the conversation. The folder is created when missing.
 */
export function createFileLogger(level: string, file: string, name = 'trolyxa'): Logger {
  mkdirSync(path.dirname(file), { recursive: true });
  return build(level, name, pino.destination({ dest: file, append: true, sync: true }));
}
