import { createServer, type IncomingMessage, type RequestListener, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from './logger.js';

/**
 * Headers must arrive within 20 s and the whole request within 30 s (bodies are small: MAX_BODY_BYTES), checked
 * every 5 s, so a connection that trickles bytes gives its file descriptor back. Answers, event streams
 * included, are not limited by these; an idle kept-alive connection closes after Node's 5 s.
 */
const TIMEOUTS = { headersTimeout: 20_000, requestTimeout: 30_000, connectionsCheckingInterval: 5_000 };

export interface ConnectionGuard {
  /** The setting the cap comes from, for the log. */
  port: string;
  /** Open connections at most; new ones beyond are closed at once. */
  cap: number;
  /** A connection that sends no request within this long is closed (Node's own timeouts never close it). */
  firstRequestMs: number;
  /** Open connections from one address at most; beyond, a new one from it is closed at once. */
  perAddress?: number;
}

/**
 * An HTTP server whose connections are guarded: the timeouts above, the cap (logged at most once every 10 s,
 * with how many were closed since the last line), the wait for a first request, a share per address, and a
 * coded JSON answer where Node's parser refuses a request (Node's own is a bare status line).
 */
export function guardedServer(listener: RequestListener, guard: ConnectionGuard, logger: Logger): Server {
  const server = createServer(TIMEOUTS, listener);
  server.maxConnections = guard.cap;
  let dropped = 0;
  let quietUntil = 0;
  const refused = () => {
    dropped += 1;
    const now = Date.now();
    if (now < quietUntil) return;
    logger.warn(
      { port: guard.port, maxConnections: guard.cap, perAddress: guard.perAddress, dropped },
      'connections refused: the open connection cap is reached',
    );
    dropped = 0;
    quietUntil = now + 10_000;
  };
  server.on('drop', refused);
  const byAddress = new Map<string, number>();
  server.on('connection', (socket) => {
    socket.setTimeout(guard.firstRequestMs);
    if (guard.perAddress === undefined) return;
    const address = socket.remoteAddress ?? '';
    const open = (byAddress.get(address) ?? 0) + 1;
    byAddress.set(address, open);
    socket.once('close', () => {
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left > 0) byAddress.set(address, left);
      else byAddress.delete(address);
    });
    if (open > guard.perAddress) {
      refused();
      socket.destroy();
    }
  });
  server.on('request', (request: IncomingMessage) => request.socket.setTimeout(0));
  server.on('clientError', answerUnreadable);
  return server;
}

/** Node's parser refused the request: a coded JSON answer, then the connection closes. */
function answerUnreadable(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'REQUEST_HEADER_FIELDS_TOO_LARGE', 'The request headers are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'The request did not arrive in time.']
        : [
            400,
            'BAD_REQUEST',
            'The request is not valid HTTP/1.1 (a request target must be ASCII; escape other bytes).',
          ];
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
