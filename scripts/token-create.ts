import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createToken } from '../src/auth/create-token.js';

const USAGE = 'usage: npm run token:create -- --name NAME --scopes write:story,write:catalog';

function main() {
  const { values } = parseArgs({ options: { name: { type: 'string' }, scopes: { type: 'string' } } });
  if (!values.name || !values.scopes) throw new Error(USAGE);
  const { token, entry } = createToken(
    values.name,
    values.scopes.split(',').map((scope) => scope.trim()),
  );
  process.stdout.write(
    `Token (shown once; give it to the client, keep it nowhere else):\n${token}\n\n` +
      `Add this entry to DRAMA_TOKENS_FILE or DRAMA_TOKENS:\n${JSON.stringify(entry)}\n`,
  );
}

try {
  main();
} catch (error) {
  const message =
    error instanceof z.ZodError
      ? error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n')
      : (error as Error).message;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
