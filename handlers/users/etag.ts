/**
 * ETags derived from the record's version, and the conditional headers of RFC 9110 section 13.
 * Our tags are strong (`"v3"`): the version changes with every write of the record.
 */

export function etagOf(version: number): string {
  return `"v${version}"`;
}

interface EntityTag {
  weak: boolean;
  opaque: string;
}

/** Parses `*` or a comma-separated list of entity tags; malformed members are ignored. */
function parseTags(header: string): '*' | EntityTag[] {
  if (header.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  for (const m of header.matchAll(/\s*(W\/)?("[^"]*")\s*(?:,|$)/g)) {
    tags.push({ weak: m[1] !== undefined, opaque: m[2] });
  }
  return tags;
}

/**
 * If-Match uses the STRONG comparison (RFC 9110 section 13.1.1): a weak tag never matches, so
 * `W/"v3"` does not satisfy If-Match even at version 3. `*` matches any existing record.
 */
export function ifMatchHolds(header: string, version: number): boolean {
  const tags = parseTags(header);
  if (tags === '*') return true;
  const current = etagOf(version);
  return tags.some((t) => !t.weak && t.opaque === current);
}

/**
 * If-None-Match uses the WEAK comparison (RFC 9110 section 13.1.2): `W/"v3"` and `"v3"` both
 * match version 3. True when the client's copy is current (answer 304).
 */
export function ifNoneMatchHolds(header: string, version: number): boolean {
  const tags = parseTags(header);
  if (tags === '*') return true;
  const current = etagOf(version);
  return tags.some((t) => t.opaque === current);
}

