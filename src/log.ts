import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config/schema.js';

export type { Logger } from 'pino';

/**
 * Fields never written to the log, at any nesting a log call is likely to use. Passwords travel
 * in REGISTER/LOGIN and `user add`; hashes and resume tokens are credentials too.
 */
export const REDACTED_PATHS: readonly string[] = [
  'password', '*.password', '*.*.password',
  'passwordHash', '*.passwordHash', '*.*.passwordHash',
  'token', '*.token', '*.*.token',
  'req.headers.authorization', 'req.headers.cookie',
];

export interface LoggerOptions {
  /** Where JSON lines go (tests capture them); default standard output. */
  destination?: DestinationStream;
  /** Human-readable output; default: when standard output is a terminal and no destination is given. */
  pretty?: boolean;
}

/** The server's logger: JSON lines for machines, pretty text when a person is watching. */
export function createLogger(config: Pick<Config, 'log'>, options: LoggerOptions = {}): Logger {
  const base = {
    name: 'confab',
    level: config.log.level,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
  };
  const wantPretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  if (wantPretty) {
    const stream = pretty({
      colorize: process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,name',
      destination: options.destination ?? 1,
      sync: true,
    });
    return pino(base, stream);
  }
  return options.destination ? pino(base, options.destination) : pino(base);
}
