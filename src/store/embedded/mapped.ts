import { readFileSync, realpathSync } from 'node:fs';

const MAPPING = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s+(.*)$/;

/**
 * Bytes of `file` this process has mapped and resident now: the Rss of its mappings in /proc/self/smaps
 * (Linux). Null where that cannot be read (another system).
 */
export function residentMappedBytes(file: string): number | null {
  let text: string;
  let target: string;
  try {
    target = realpathSync(file);
    text = readFileSync('/proc/self/smaps', 'utf8');
  } catch {
    return null;
  }
  let ours = false;
  let kb = 0;
  for (const line of text.split('\n')) {
    const mapping = MAPPING.exec(line);
    if (mapping !== null) ours = mapping[1] === target;
    else if (ours && line.startsWith('Rss:')) kb += Number.parseInt(line.slice(4), 10) || 0;
  }
  return kb * 1024;
}
