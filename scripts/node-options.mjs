// The V8 settings the service runs with, in one place: `npm start` and the Docker image carry this text (a unit
// test checks both), and the benchmark's and the tests' server processes take it through withServiceNodeOptions.
// Why these values: bench/README.md, "The op 2 tail and the service's RSS".
//   --max-semi-space-size=64: a young generation that fits the series pages in flight, so fewer scavenges copy
//     and promote them (the default is 16 MB).
//   --max-old-space-size=512: old space at most 512 MB (about 10x what the service holds at 1,000 series), so the
//     heap cannot grow past it between collections.
export const SERVICE_NODE_OPTIONS = '--max-semi-space-size=64 --max-old-space-size=512';

/** `env` with the service's V8 settings before the operator's own NODE_OPTIONS: a setting the operator gives wins. */
export function withServiceNodeOptions(env) {
  const own = (env.NODE_OPTIONS ?? '').trim();
  return { ...env, NODE_OPTIONS: own === '' ? SERVICE_NODE_OPTIONS : `${SERVICE_NODE_OPTIONS} ${own}` };
}
