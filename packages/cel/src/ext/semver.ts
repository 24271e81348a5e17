import { celRuntimeError } from './errors.js';
import type { CelExtension } from './registry.js';

// Kubernetes' semver library (k8s.io/apiserver/pkg/cel/library/semverlib.go) with blang/semver/v4 parsing:
// exactly MAJOR.MINOR.PATCH, no leading zeros, optional -prerelease and +build. The `normalize` argument
// (Kubernetes 1.31+) strips a leading `v`, leading zeros, and pads missing minor/patch with 0.
const LIB = 'Kubernetes semver library';

export class Semver {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: readonly string[],
  ) {}
}

const NUM = /^(0|[1-9]\d*)$/;
const IDENT = /^[0-9A-Za-z-]+$/;
const UINT64_MAX = (1n << 64n) - 1n;

function parseNumber(s: string, what: string): bigint | string {
  if (!/^\d+$/.test(s)) return `Invalid character(s) found in ${what} number ${JSON.stringify(s)}`;
  if (!NUM.test(s)) return `${what[0]?.toUpperCase()}${what.slice(1)} number must not contain leading zeroes ${JSON.stringify(s)}`;
  const n = BigInt(s);
  return n > UINT64_MAX ? `${what} number out of range` : n;
}

/** blang/semver/v4 Parse: a Semver or the error text. */
export function parseSemver(s: string): Semver | string {
  const parts = s.split('.');
  if (parts.length < 3) return 'No Major.Minor.Patch elements found';
  const [majorText = '', minorText = '', ...restParts] = parts;
  let patchText = restParts.join('.');
  let build: string[] = [];
  let pre: string[] = [];
  const plus = patchText.indexOf('+');
  if (plus >= 0) {
    build = patchText.slice(plus + 1).split('.');
    patchText = patchText.slice(0, plus);
  }
  const dash = patchText.indexOf('-');
  if (dash >= 0) {
    pre = patchText.slice(dash + 1).split('.');
    patchText = patchText.slice(0, dash);
  }
  const major = parseNumber(majorText, 'major');
  if (typeof major === 'string') return major;
  const minor = parseNumber(minorText, 'minor');
  if (typeof minor === 'string') return minor;
  const patch = parseNumber(patchText, 'patch');
  if (typeof patch === 'string') return patch;
  for (const p of pre) {
    if (p === '') return 'Prerelease is empty';
    if (!IDENT.test(p)) return `Invalid character(s) found in prerelease ${JSON.stringify(p)}`;
    if (/^\d+$/.test(p) && !NUM.test(p)) return `Numeric PreRelease version must not contain leading zeroes ${JSON.stringify(p)}`;
  }
  for (const b of build) if (!IDENT.test(b)) return `Invalid character(s) found in build meta data ${JSON.stringify(b)}`;
  return new Semver(major, minor, patch, pre);
}

/** Kubernetes' normalizeAndParse: `v` prefix, leading zeros, short versions. */
function normalizeAndParse(s: string): Semver | string {
  const parts = (s.startsWith('v') ? s.slice(1) : s).split('.');
  const limited = parts.length > 3 ? [parts[0] ?? '', parts[1] ?? '', parts.slice(2).join('.')] : parts;
  const trimmed = limited.map((p) => {
    if (p.length <= 1) return p;
    const t = p.replace(/^0+/, '');
    return t === '' || !/^\d/.test(t) ? `0${t}` : t;
  });
  if (trimmed.length < 3) {
    if (/[+-]/.test(trimmed[trimmed.length - 1] ?? '')) return 'short version cannot contain PreRelease/Build meta data';
    while (trimmed.length < 3) trimmed.push('0');
  }
  return parseSemver(trimmed.join('.'));
}

function parse(s: string, normalize: boolean): Semver | string {
  return normalize ? normalizeAndParse(s) : parseSemver(s);
}

function semver(s: string, normalize = false): Semver {
  const r = parse(s, normalize);
  return typeof r === 'string' ? celRuntimeError(r) : r;
}

const sign = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** semver.org precedence (build metadata ignored), as blang's Version.Compare. */
export function compareSemver(a: Semver, b: Semver): number {
  const core = sign(a.major, b.major) || sign(a.minor, b.minor) || sign(a.patch, b.patch);
  if (core !== 0) return core;
  if (a.pre.length === 0 || b.pre.length === 0) return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i] as string;
    const y = b.pre[i] as string;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    const c = xn && yn ? sign(BigInt(x), BigInt(y)) : xn ? -1 : yn ? 1 : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  return sign(BigInt(a.pre.length), BigInt(b.pre.length));
}

const T = 'kubernetes.Semver';

export const semverExtension: CelExtension = {
  name: 'semver',
  types: [{ name: T, ctor: Semver }],
  functions: [
    { signature: `semver(string): ${T}`, handler: (s: string) => semver(s), library: LIB },
    { signature: `semver(string, bool): ${T}`, handler: semver, library: LIB },
    { signature: 'isSemver(string): bool', handler: (s: string) => typeof parse(s, false) !== 'string', library: LIB },
    { signature: 'isSemver(string, bool): bool', handler: (s: string, n: boolean) => typeof parse(s, n) !== 'string', library: LIB },
    { signature: `${T}.major(): int`, handler: (v: Semver) => v.major, library: LIB },
    { signature: `${T}.minor(): int`, handler: (v: Semver) => v.minor, library: LIB },
    { signature: `${T}.patch(): int`, handler: (v: Semver) => v.patch, library: LIB },
    { signature: `${T}.isGreaterThan(${T}): bool`, handler: (a: Semver, b: Semver) => compareSemver(a, b) > 0, library: LIB },
    { signature: `${T}.isLessThan(${T}): bool`, handler: (a: Semver, b: Semver) => compareSemver(a, b) < 0, library: LIB },
    { signature: `${T}.compareTo(${T}): int`, handler: (a: Semver, b: Semver) => BigInt(compareSemver(a, b)), library: LIB },
  ],
  operators: [{ signature: `${T} == ${T}`, handler: (a: Semver, b: Semver) => compareSemver(a, b) === 0 }],
};
