import { pino, type Logger } from 'pino';

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'drama-graph' },
    redact: { paths: ['password', '*.password', 'headers.authorization', 'req.headers.authorization'], remove: true },
  });
}

export type { Logger };
