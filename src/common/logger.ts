/** Structured logging. Message text and secrets never go out at info level: log ids and sizes instead. */
import { pino, type Logger } from 'pino';

export type { Logger };

/** A pino logger writing JSON to the given file descriptor (stderr for the CLI, so stdout stays clean). */
export function createLogger(level: string, fd: 1 | 2 = 1): Logger {
  return pino(
    {
      level,
      base: { service: 'sme-advisor' },
      redact: {
        paths: ['*.token', '*.secret', '*.password', 'headers.authorization', '*.SLACK_BOT_TOKEN', '*.SLACK_SIGNING_SECRET'],
        censor: '[redacted]',
      },
    },
    pino.destination({ fd, sync: fd === 2 }),
  );
}
