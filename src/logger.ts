import { type DestinationStream, type Logger, pino } from 'pino';

/** JSON logs. Request logs never carry headers or variables; these paths are redacted should anything else. */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'drama-graph' },
    redact: {
      paths: [
        'password',
        '*.password',
        'authorization',
        '*.authorization',
        'headers.authorization',
        'req.headers.authorization',
        'variables',
      ],
      remove: true,
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
