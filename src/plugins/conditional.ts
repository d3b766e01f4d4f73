/** If-None-Match's weak comparison (RFC 9110 §13.1.2): `*`, or any listed tag equal to ours once `W/` is ignored. */
export function matchesIfNoneMatch(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',', 64).some((tag) => opaque(tag) === opaque(etag));
}

/** Adds `header` to Vary unless it is there already. */
export function varyOn(headers: Headers, header: string): void {
  const listed = (headers.get('vary') ?? '').split(',').map((name) => name.trim().toLowerCase());
  if (!listed.includes(header.toLowerCase()) && !listed.includes('*')) headers.append('vary', header);
}
