/**
 * One-line JSON logs on stderr (stdout carries only the "listening on" line). Callers pass only
 * non-secret fields: never a password, token, cookie, session id or Authorization header.
 */
import type { LogLevel } from './config.ts';

/** Field values a log line may carry; deliberately no objects, so a request can't be dumped. */
export type LogFields = Record<string, string | number | boolean>;

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** A logger writing lines at or above `level` to `write` (stderr by default). */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const log = (lineLevel: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) => {
    if (RANK[lineLevel] > RANK[level]) return;
    write(
      `${JSON.stringify({ time: new Date().toISOString(), level: lineLevel, message, ...fields })}\n`,
    );
  };
  return {
    error: (message, fields) => log('error', message, fields),
    warn: (message, fields) => log('warn', message, fields),
    info: (message, fields) => log('info', message, fields),
    debug: (message, fields) => log('debug', message, fields),
  };
}
