import { pino } from 'pino';

/** JSON lines on stdout. Secrets are redacted by path; message text is only ever logged at debug. */
export function createLogger(level: string) {
  return pino({
    level,
    base: { service: 'parley' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'visitorToken',
        '*.visitorToken',
        'authorization',
        '*.authorization',
        'text',
        '*.text',
      ],
      censor: '[redacted]',
    },
  });
}

export type Logger = ReturnType<typeof createLogger>;
