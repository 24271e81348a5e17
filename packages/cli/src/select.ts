/** `--policy NAME` (repeatable): exact names or globs (`*`, `?`) over policy names. */
import { CliError } from './io.js';

const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

export interface PolicySelection {
  /** Whether the policy named `name` is selected; records which patterns matched. */
  selectsName(name: string): boolean;
  /** Throws a CliError naming the patterns no name matched, given every policy name (sorted). */
  checkAllUsed(names: readonly string[]): void;
}

/**
 * The selection as a test of one name at a time, so a caller may decide on each policy as it
 * arrives (the build compiles only the selected ones) and check the patterns once at the end.
 */
export function policySelection(patterns: readonly string[]): PolicySelection {
  const matchers = patterns.map((p) => ({ pattern: p, re: globToRegExp(p), used: false }));
  return {
    selectsName(name) {
      if (!matchers.length) return true;
      let hit = false;
      for (const m of matchers)
        if (m.re.test(name)) {
          m.used = true;
          hit = true;
        }
      return hit;
    },
    checkAllUsed(names) {
      const unused = matchers.filter((m) => !m.used).map((m) => `"${m.pattern}"`);
      if (unused.length)
        throw new CliError(
          `--policy ${unused.join(', ')} matches no policy. Fix: use one of the ${names.length} policy names (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}) or a glob such as 'pss-*'.`,
        );
    },
  };
}

export function selectPolicies<T>(items: readonly T[], patterns: readonly string[], nameOf: (item: T) => string): T[] {
  if (!patterns.length) return [...items];
  const selection = policySelection(patterns);
  const picked = items.filter((item) => selection.selectsName(nameOf(item)));
  selection.checkAllUsed(items.map(nameOf));
  return picked;
}
