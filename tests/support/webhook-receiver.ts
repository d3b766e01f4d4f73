import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Delivery {
  cursor: string;
  body: Record<string, unknown>;
  signatureValid: boolean;
}

/** A local webhook endpoint that checks each delivery's X-Drama-Signature, as docs/webhooks.md tells receivers to. */
export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Answer this status instead of 204 while it returns one. */
  failWith: (() => number | null) | null;
  close(): Promise<void>;
}

function verifySignature(secret: string, header: string | undefined, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

export async function startReceiver(secret: string): Promise<Receiver> {
  const receiver: Receiver = { url: '', deliveries: [], failWith: null, close: async () => undefined };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = receiver.failWith?.() ?? null;
      if (status !== null) {
        response.writeHead(status).end();
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const signatureValid = verifySignature(secret, request.headers['x-drama-signature'] as string, text);
      receiver.deliveries.push({
        cursor: String(request.headers['x-drama-delivery']),
        body: JSON.parse(text) as Record<string, unknown>,
        signatureValid,
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
  return receiver;
}
