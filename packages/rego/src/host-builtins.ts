// Built-ins the module delegates to the host (opa_builtinN), passed as loadPolicy's third
// argument. Everything else, sprintf included, runs natively inside the module.

/** RE2 and JS RegExp agree on the syntax Kubernetes policies use; RE2-only syntax throws. */
function regexMatch(pattern: unknown, value: unknown): unknown {
  if (typeof pattern !== 'string' || typeof value !== 'string') return undefined;
  return new RegExp(pattern, 'u').test(value);
}

const globCache = new Map<string, RegExp>();

function escapeClassChar(c: string): string {
  return /[\]\\^-]/.test(c) ? '\\' + c : c;
}

/**
 * Translates a gobwas/glob pattern (what OPA's glob.match uses): `*` stops at delimiters, `**`
 * does not, `?` is one non-delimiter character, `[...]`/`[!...]` classes and `{a,b}` alternatives.
 */
export function globToRegExp(pattern: string, delimiters: string[]): RegExp {
  const key = JSON.stringify([pattern, delimiters]);
  const hit = globCache.get(key);
  if (hit) return hit;
  const notDelim = delimiters.length ? `[^${delimiters.map(escapeClassChar).join('')}]` : '[\\s\\S]';
  let out = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) out += '\\' + pattern[++i];
    else if (c === '*') {
      if (pattern[i + 1] === '*') {
        out += '[\\s\\S]*';
        i++;
      } else out += `${notDelim}*`;
    } else if (c === '?') out += notDelim;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new Error(`glob.match: unterminated character class in ${JSON.stringify(pattern)}`);
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else if (c === '{') {
      depth++;
      out += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (c === ',' && depth > 0) out += '|';
    else out += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  const re = new RegExp(`^${out}$`, 'u');
  globCache.set(key, re);
  return re;
}

function globMatch(pattern: unknown, delimiters: unknown, value: unknown): unknown {
  if (typeof pattern !== 'string' || typeof value !== 'string') return undefined;
  // OPA: null means no delimiters; an empty array means the default ".".
  let delims: string[] = [];
  if (Array.isArray(delimiters)) delims = delimiters.length === 0 ? ['.'] : delimiters.map(String);
  return globToRegExp(pattern, delims).test(value);
}

export const HOST_BUILTINS: Record<string, (...args: unknown[]) => unknown> = {
  'regex.match': regexMatch,
  'glob.match': globMatch,
};
