/** Strict semantic versions (blang/semver Parse), for GreaterThan & co. on version strings. */
export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: string[];
}

const SEMVER_RE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function parseSemver(s: string): SemVer | undefined {
  const m = SEMVER_RE.exec(s);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ? m[4].split('.') : [] };
}

export function compareSemver(a: SemVer, b: SemVer): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  if (a.pre.length === 0 || b.pre.length === 0) return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i] as string;
    const y = b.pre[i] as string;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) < Number(y) ? -1 : 1;
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return Math.sign(a.pre.length - b.pre.length);
}

type Predicate = (v: SemVer) => boolean;

const COMPARATOR_RE = /^(>=|<=|!=|==|>|<|=|!)?(.+)$/;

function cmp(op: string, bound: SemVer): Predicate {
  switch (op) {
    case '>':
      return (v) => compareSemver(v, bound) > 0;
    case '>=':
      return (v) => compareSemver(v, bound) >= 0;
    case '<':
      return (v) => compareSemver(v, bound) < 0;
    case '<=':
      return (v) => compareSemver(v, bound) <= 0;
    case '!':
    case '!=':
      return (v) => compareSemver(v, bound) !== 0;
    default:
      return (v) => compareSemver(v, bound) === 0;
  }
}

const ver = (major: number, minor: number, patch: number): SemVer => ({ major, minor, patch, pre: [] });

/** One comparator, with blang's wildcard expansion (`>=1.2.x` → `>=1.2.0`, `1.x.x` → `>=1.0.0 <2.0.0`, …). */
function comparator(text: string): Predicate {
  const m = COMPARATOR_RE.exec(text);
  if (!m) throw new Error(`invalid semver range comparator ${JSON.stringify(text)}`);
  const op = m[1] ?? '';
  const parts = (m[2] as string).split('.');
  const wild = parts.findIndex((p) => p === 'x' || p === 'X' || p === '*');
  if (wild < 0) {
    const v = parseSemver(m[2] as string);
    if (!v) throw new Error(`invalid version ${JSON.stringify(m[2])} in semver range`);
    return cmp(op, v);
  }
  if (wild === 0 || parts.length !== 3) throw new Error(`unsupported wildcard version ${JSON.stringify(m[2])} in semver range`);
  const major = Number(parts[0]);
  const minor = wild === 1 ? 0 : Number(parts[1]);
  const low = ver(major, minor, 0);
  const high = wild === 1 ? ver(major + 1, 0, 0) : ver(major, minor + 1, 0);
  const inRange: Predicate = (v) => compareSemver(v, low) >= 0 && compareSemver(v, high) < 0;
  switch (op) {
    case '>=':
      return cmp('>=', low);
    case '>':
      return cmp('>=', high);
    case '<':
      return cmp('<', low);
    case '<=':
      return cmp('<', high);
    case '!':
    case '!=':
      return (v) => !inRange(v);
    default:
      return inRange;
  }
}

/** blang/semver ParseRange: space-separated comparators are ANDed, `||` alternatives are ORed. */
export function parseSemverRange(range: string): Predicate {
  const alternatives = range.split('||').map((alt) =>
    alt
      .trim()
      .split(/\s+/)
      .filter((c) => c !== '')
      .map(comparator),
  );
  if (alternatives.some((a) => a.length === 0)) throw new Error(`invalid semver range ${JSON.stringify(range)}`);
  return (v) => alternatives.some((all) => all.every((p) => p(v)));
}
