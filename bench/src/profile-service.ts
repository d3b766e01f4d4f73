import { spawn } from 'node:child_process';
import { keysOfCatalogue } from './keys.js';
import { closeAgent, graphqlRequest, runLoad } from './load.js';
import { type OpId, operation } from './operations.js';
import { ROOT } from './process.js';

/*
 * Profiling aid: runs the service on an embedded DATA_DIR under --cpu-prof, loads one operation, and
 * stops it so the profile is written.
 *   tsx bench/src/profile-service.ts DATA_DIR CATALOGUE_DIR OP CLIENTS SECONDS PROFILE_DIR
 */
const [dataDir, catalogue, op, clients, seconds, profileDir] = process.argv.slice(2);
const port = 4817;
const child = spawn(
  process.execPath,
  [`--cpu-prof`, `--cpu-prof-dir=${profileDir}`, '--import', 'tsx', 'src/server.ts'],
  {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      SEED_ON_START: 'false',
      RATE_LIMIT_MAX: '0',
      RESPONSE_CACHE_TTL_MS: '0',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    stdio: 'inherit',
  },
);
await new Promise((resolve) => setTimeout(resolve, 4000));
const keys = await keysOfCatalogue(catalogue!);
const chosen = operation(op as OpId);
const request = graphqlRequest(`http://127.0.0.1:${port}/graphql`, chosen.document, chosen.variables(keys));
await runLoad(request, 1, { durationMs: 1000, maxRequests: 0 });
console.log(await runLoad(request, Number(clients), { durationMs: Number(seconds) * 1000, maxRequests: 0 }));
closeAgent();
child.kill('SIGINT');
