/** Gatekeeper name and namespace patterns may glob at the front or the end: `kube-*`, `*-system`. */
export function globMatches(pattern: string, value: string): boolean {
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}
