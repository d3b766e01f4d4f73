import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { Socket } from 'node:net';
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
  /** Open connections at most. */
  cap: number;
  /** A connection that sends no request within this long is closed (Node's own timeouts never close it). */
  firstRequestMs: number;
  /** Open connections from one address at most; beyond, a new one from it is closed at once. */
  perAddress?: number;
}

/**
 * An HTTP server whose connections are guarded: the timeouts above, the wait for a first request, a share per
 * address, and a coded JSON answer where Node's parser refuses a request (Node's own is a bare status line).
 * At the cap, a new connection takes the place of the one idle longest (no request in flight: one that has
 * sent nothing yet, is still sending its headers, or waits between requests), else of the one whose request
 * body has been arriving longest, so idle and trickling sockets cannot keep others out; only when every
 * connection has a whole request in flight (or an event stream) is the newcomer closed. Closures are logged at
 * most once every 10 s, with how many since the last line.
 */
export function guardedServer(listener: RequestListener, guard: ConnectionGuard, logger: Logger): Server {
  const server = createServer(TIMEOUTS, listener);
  let closed = 0;
  let quietUntil = 0;
  const shed = (socket: Socket, why: string) => {
    // A reset, not a close: the kernel drops what the client never read instead of holding it (about 1 MB each).
    socket.resetAndDestroy();
    closed += 1;
    const now = Date.now();
    if (now < quietUntil) return;
    logger.warn(
      { port: guard.port, maxConnections: guard.cap, perAddress: guard.perAddress, closed, why },
      'connections closed: the open connection cap is reached',
    );
    closed = 0;
    quietUntil = now + 10_000;
  };
  let open = 0;
  /** Connections with no request in flight, the one idle longest first. */
  const idle = new Set<Socket>();
  /** Open connections by address, counted only where there is a share per address. */
  const byAddress = new Map<string, number>();
  const fromAddressOver = (socket: Socket, share: number): boolean => {
    const address = socket.remoteAddress ?? '';
    const count = (byAddress.get(address) ?? 0) + 1;
    byAddress.set(address, count);
    socket.once('close', () => {
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left > 0) byAddress.set(address, left);
      else byAddress.delete(address);
    });
    return count > share;
  };
  server.on('connection', (socket: Socket) => {
    socket.setTimeout(guard.firstRequestMs);
    open += 1;
    idle.add(socket);
    socket.once('close', () => {
      open -= 1;
      idle.delete(socket);
    });
    if (guard.perAddress !== undefined && fromAddressOver(socket, guard.perAddress)) return shed(socket, 'per address');
    if (open <= guard.cap) return;
    const idleLongest = idle.values().next().value;
    const longest = (idleLongest !== socket ? idleLongest : undefined) ?? slowestBody();
    if (longest !== undefined) shed(longest, 'idle longest');
    else shed(socket, 'all busy');
  });
  /** Requests whose bodies are still arriving, the one arriving longest first. */
  const receiving = new Map<Socket, IncomingMessage>();
  const slowestBody = (): Socket | undefined => {
    for (const [socket, request] of receiving) {
      if (!request.complete && !socket.destroyed) return socket;
      receiving.delete(socket);
    }
    return undefined;
  };
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    socket.setTimeout(0);
    idle.delete(socket);
    if (!request.complete) receiving.set(socket, request);
    response.once('close', () => {
      receiving.delete(socket);
      if (!socket.destroyed) idle.add(socket);
    });
  });
  server.on('clientError', answerUnreadable);
  return server;
}

/** What the parser's error codes mean, in words a client can act on. */
const UNREADABLE: Record<string, string> = {
  HPE_INVALID_URL: 'its request target is not valid (escape bytes outside ASCII)',
  HPE_INVALID_METHOD: 'its method is not an HTTP method',
  HPE_INVALID_CONSTANT: 'its request line is not "METHOD target HTTP/1.1"',
  HPE_INVALID_VERSION: 'its HTTP version is not one this server speaks',
  HPE_INVALID_HEADER_TOKEN: 'a header name or value holds a character headers may not',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'it has more than one Content-Length, or one beside Transfer-Encoding',
  HPE_INVALID_CONTENT_LENGTH: 'its Content-Length is not a number of bytes',
  HPE_INVALID_CHUNK_SIZE: 'a chunk size is not hexadecimal',
  HPE_INVALID_TRANSFER_ENCODING: 'its Transfer-Encoding cannot be read',
};

/**
 * Node's parser refused the request: a coded JSON answer, then the connection closes. A response still being
 * written on the connection (to a request pipelined before the bad one) is finished first.
 */
function answerUnreadable(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const inFlight = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
  // Answered first only when the bad bytes follow it; when its own body was cut short, it cannot be answered.
  if (inFlight && !inFlight.req.complete) {
    socket.destroy();
    return;
  }
  if (inFlight && !inFlight.writableFinished) {
    inFlight.once('finish', () => answerUnreadable(error, socket));
    inFlight.once('close', () => socket.destroy());
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
            `The request is not valid HTTP/1.1: ${UNREADABLE[error.code ?? ''] ?? 'the parser refused it'}.`,
          ];
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
