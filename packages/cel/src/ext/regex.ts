import { celRuntimeError } from './errors.js';
import type { CelExtension } from './registry.js';

// Kubernetes' regex library (k8s.io/apiserver/pkg/cel/library/regex.go). Patterns are RE2; the subset that
// differs in spelling from JavaScript is translated below, anything else is passed through.
const LIB = 'Kubernetes regex library';

const cache = new Map<string, RegExp>();

/** Compiles an RE2 pattern to a global JavaScript RegExp (leading `(?flags)` groups, `(?P<name>`, `\z`). */
export function compileRe2(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let source = pattern;
  let flags = 'gu';
  const lead = /^\(\?([imsU]+)\)/.exec(source);
  if (lead?.[1]) {
    if (lead[1].includes('U')) celRuntimeError(`regex flag U (ungreedy) is not supported: ${pattern}`);
    for (const f of lead[1]) if (!flags.includes(f)) flags += f;
    source = source.slice(lead[0].length);
  }
  source = source.replace(/\(\?P</g, '(?<').replace(/\\z/g, '$(?![\\s\\S])');
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (e) {
    return celRuntimeError(`invalid regex ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
  cache.set(pattern, re);
  return re;
}

function find(s: string, pattern: string): string {
  const re = compileRe2(pattern);
  re.lastIndex = 0;
  return re.exec(s)?.[0] ?? '';
}

function findAll(s: string, pattern: string, limit: bigint): string[] {
  const re = compileRe2(pattern);
  const out: string[] = [];
  if (limit === 0n) return out;
  // matchAll starts at the shared cached RegExp's lastIndex, which an earlier find() may have advanced.
  re.lastIndex = 0;
  for (const m of s.matchAll(re)) {
    out.push(m[0]);
    if (limit > 0n && BigInt(out.length) >= limit) break;
  }
  return out;
}

export const regexExtension: CelExtension = {
  name: 'regex',
  functions: [
    { signature: 'string.find(string): string', handler: find, library: LIB },
    {
      signature: 'string.findAll(string): list<string>',
      handler: (s: string, p: string) => findAll(s, p, -1n),
      library: LIB,
    },
    { signature: 'string.findAll(string, int): list<string>', handler: findAll, library: LIB },
  ],
};
