/**
 * Kyverno's glob matching (ext/wildcard → IGLOU-EU/go-wildcard v1): `*` matches any run of characters,
 * `?` exactly one; everything else is literal. Compiled regexes are cached because policies reuse a handful
 * of patterns across thousands of resources.
 */
const cache = new Map<string, RegExp>();

export function containsWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

export function wildcardMatch(pattern: string, value: string): boolean {
  if (pattern === '') return value === '';
  if (pattern === '*') return true;
  if (!containsWildcard(pattern)) return pattern === value;
  let re = cache.get(pattern);
  if (!re) {
    const body = [...pattern].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
    re = new RegExp(`^${body}$`, 'u');
    if (cache.size < 10_000) cache.set(pattern, re);
  }
  return re.test(value);
}
