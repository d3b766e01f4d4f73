import { readFileSync } from 'node:fs';

/* Profiling aid: self time by function and by package of a .cpuprofile.  tsx bench/src/profile-top.ts FILE [N] */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, top = '30'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file!, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const selfTime = new Map<number, number>();
for (const [i, id] of profile.samples.entries())
  selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...selfTime.values()].reduce((a, b) => a + b, 0);

const shortUrl = (url: string) => url.replace(/.*node_modules\//, '').replace(/.*wt-[^/]+\//, '');
const packageOf = (url: string) =>
  /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (url.includes('/src/') ? 'src' : url || '(vm)');

function summary(keyOf: (n: ProfileNode) => string): [string, number][] {
  const sums = new Map<string, number>();
  for (const [id, t] of selfTime) sums.set(keyOf(nodes.get(id)!), (sums.get(keyOf(nodes.get(id)!)) ?? 0) + t);
  return [...sums].sort((a, b) => b[1] - a[1]).slice(0, Number(top));
}

const line = ([key, t]: [string, number]) =>
  `${(t / 1000).toFixed(0).padStart(7)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%  ${key}`;
console.log(
  summary((n) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber}`)
    .map(line)
    .join('\n'),
);
console.log('--- by package');
console.log(
  summary((n) => packageOf(n.callFrame.url))
    .map(line)
    .join('\n'),
);
