/** `--policy NAME` (repeatable): exact names or globs (`*`, `?`) over policy names. */
import { CliError } from './io.js';

const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

export function selectPolicies<T>(items: readonly T[], patterns: readonly string[], nameOf: (item: T) => string): T[] {
  if (!patterns.length) return [...items];
  const matchers = patterns.map((p) => ({ pattern: p, re: globToRegExp(p), used: false }));
  const picked = items.filter((item) => {
    let hit = false;
    for (const m of matchers)
      if (m.re.test(nameOf(item))) {
        m.used = true;
        hit = true;
      }
    return hit;
  });
  const unused = matchers.filter((m) => !m.used).map((m) => `"${m.pattern}"`);
  if (unused.length) {
    const names = items.map(nameOf);
    throw new CliError(
      `--policy ${unused.join(', ')} matches no policy. Fix: use one of the ${names.length} policy names (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}) or a glob such as 'pss-*'.`,
    );
  }
  return picked;
}
