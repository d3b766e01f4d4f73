import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createToken } from '../src/auth/create-token.js';
import { appendTokenEntry } from '../src/auth/token-file.js';
import { SCOPES } from '../src/auth/viewer.js';

const USAGE = 'usage: npm run token:create -- --name NAME --scopes write:story,write:catalog [--append TOKENS_FILE]';

async function main() {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      append: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\nscopes: ${SCOPES.join(', ')}\n`);
    return;
  }
  if (!values.name || !values.scopes || values.append === '') throw new Error(USAGE);
  const { token, entry } = createToken(
    values.name,
    values.scopes.split(',').map((scope) => scope.trim()),
  );
  if (values.append) await appendTokenEntry(values.append, entry);
  const configure = values.append
    ? `Its entry was added to ${values.append}; restart the service to load it.\n`
    : `Paste this list as DRAMA_TOKENS, or add its entry to the list in DRAMA_TOKENS_FILE (or use --append FILE):\n${JSON.stringify([entry], null, 2)}\n`;
  process.stdout.write(`Token (shown once; give it to the client, keep it nowhere else):\n${token}\n\n${configure}`);
}

main().catch((error: unknown) => {
  const message =
    error instanceof z.ZodError
      ? error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n')
      : (error as Error).message;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
