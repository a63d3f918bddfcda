// Logs: pino, one JSON object a line in production (what log collectors read), readable lines
// in a terminal while developing. One line per HTTP request and per Bot Framework activity (see
// http/server.ts); errors with their stack. Only fields chosen here are logged, never headers or
// bodies, so tokens, keys and passwords cannot reach a log.
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from './config';

export type { Logger };

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'escalation-desk' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Belt and braces: should a header or a secret ever be passed in, it is written as [redacted].
    redact: {
      paths: ['headers.authorization', 'req.headers.authorization', '*.password', '*.token', '*.apiKey', '*.secret'],
      censor: '[redacted]',
    },
  };
  if (destination) return pino(options, destination);
  // A person at a terminal reads lines; anything else (a container, a file, a pipe) gets JSON.
  return process.stdout.isTTY
    ? pino(
        options,
        pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', sync: true }),
      )
    : // Written in batches, not a write per line: the log is off the click's path. Flushed on exit.
      pino(options, pino.destination({ dest: 1, sync: false }));
}

/** Takes a database URL's password out: what start-up may say about where it stores. */
export function withoutPassword(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
