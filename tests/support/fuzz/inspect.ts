/** What one response showed: its status, the codes of its errors, and anything it must never contain. */
export interface Inspection {
  status: number;
  codes: string[];
  uncoded: string[];
  leaks: string[];
  /** The __typename of every mutation result: a ValidationError, or a …Success when a write landed. */
  writeResults: string[];
}

const LEAKS: readonly [string, RegExp][] = [
  ['stack frame', /\bat [\w$.<>]+ \(|\bat (file:\/\/|\/|node:)[^\s"]*:\d+:\d+/],
  ['source path', /\/src\//],
  ['dependency path', /node_modules/],
  ['internal error name', /\b(TypeError|RangeError|ReferenceError|SyntaxError: Unexpected|Neo4jError|MDB_)\b/],
];

interface ErrorBody {
  errors?: { message?: unknown; extensions?: { code?: unknown } }[];
}

function parse(text: string): ErrorBody | null {
  try {
    const body = JSON.parse(text) as unknown;
    return body !== null && typeof body === 'object' ? (body as ErrorBody) : null;
  } catch {
    return null;
  }
}

export async function inspect(response: Response): Promise<Inspection> {
  const text = await response.text();
  const errors = parse(text)?.errors ?? [];
  const codes = errors
    .map((error) => error.extensions?.code)
    .filter((code): code is string => typeof code === 'string');
  const uncoded = errors
    .filter((error) => typeof error.extensions?.code !== 'string')
    .map((error) => String(error.message));
  const leaks = LEAKS.filter(([, pattern]) => pattern.test(text)).map(([what]) => `${what}: ${text.slice(0, 300)}`);
  const writeResults = [...text.matchAll(/"__typename":"(ValidationError|\w+Success)"/g)].map((match) => match[1]!);
  return { status: response.status, codes, uncoded, leaks, writeResults };
}
