import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'text' | 'json';
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Field names that may carry secrets; pino replaces their values wherever they appear. */
const REDACT = ['key', 'privateKey', 'richKey', 'headers', '*.key', '*.privateKey', '*.richKey', '*.headers'];

/**
 * The worker's logger: always stderr (stdout is left for a user's pipes), synchronous so the
 * last lines before an exit are never lost, human-readable by default, JSON lines on request.
 */
export function createLogger(level: LogLevel, format: LogFormat): Logger {
  const options = { level, base: undefined, redact: { paths: REDACT, censor: '[redacted]' } };
  if (format === 'json') return pino(options, pino.destination({ fd: 2, sync: true }));
  const stream = pretty({
    destination: 2,
    sync: true,
    colorize: process.stderr.isTTY,
    translateTime: 'HH:MM:ss',
    ignore: 'pid,hostname',
  });
  return pino(options, stream);
}
