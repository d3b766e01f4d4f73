import http from 'node:http';

export interface LoadBudget {
  durationMs: number;
  /** Stops earlier once this many requests have completed (0: no cap). */
  maxRequests: number;
}

export interface LoadResult {
  clients: number;
  requests: number;
  errors: number;
  p50: number;
  p95: number;
  p99: number;
  rps: number;
}

/** One request of an operation; resolves false when the answer was an error. */
export type Request = () => Promise<boolean>;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(Math.max(rank, 0), sorted.length - 1)]!;
}

/** Closed loop: `clients` workers each send the next request as soon as the last one answers. */
export async function runLoad(request: Request, clients: number, budget: LoadBudget): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let started = 0;
  const began = performance.now();
  const more = () =>
    performance.now() - began < budget.durationMs && (budget.maxRequests === 0 || started < budget.maxRequests);
  const worker = async () => {
    while (more()) {
      started += 1;
      const t0 = performance.now();
      const ok = await request().catch(() => false);
      latencies.push(performance.now() - t0);
      if (!ok) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const elapsedS = (performance.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    clients,
    requests: latencies.length,
    errors,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    rps: latencies.length / elapsedS,
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs a JSON body and resolves the status and the raw text of the answer. */
function postJson(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface GraphQLAnswer {
  data?: unknown;
  errors?: { message: string }[];
}

/** A request that counts any HTTP error or GraphQL error as an error (without parsing large bodies). */
export function graphqlRequest(url: string, query: string, variables: Record<string, unknown>): Request {
  const body = JSON.stringify({ query, variables });
  return async () => {
    const { status, text } = await postJson(url, body);
    return status === 200 && !text.startsWith('{"errors"') && !text.includes('"errors":[');
  };
}

export async function graphqlAnswer(
  url: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<GraphQLAnswer> {
  const { status, text } = await postJson(url, JSON.stringify({ query, variables }));
  const answer = JSON.parse(text) as GraphQLAnswer;
  if (status !== 200 || answer.errors)
    throw new Error(`HTTP ${status}: ${JSON.stringify(answer.errors ?? text).slice(0, 500)}`);
  return answer;
}

export function closeAgent(): void {
  agent.destroy();
}
