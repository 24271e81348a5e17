import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { globPattern, globToRegExp } from '../src/index.js';

/** An independent oracle: the glob language matched by recursion over code points, no regex. */
function globMatches(glob: string[], s: string[]): boolean {
  if (!glob.length) return !s.length;
  const [g, ...rest] = glob;
  if (g === '*') return globMatches(rest, s) || (s.length > 0 && globMatches(glob, s.slice(1)));
  if (!s.length) return false;
  return (g === '?' || g === s[0]) && globMatches(rest, s.slice(1));
}

describe('globPattern: the one glob → regex translation (Rego, CEL, Kyverno, the reference evaluator)', () => {
  // Astral characters: `?` is one code point in RE2 (runes) and in `u`-mode JavaScript.
  const unit = fc.constantFrom('*', '?', 'a', 'b', '.', '+', '(', ')', '[', ']', '{', '}', '|', '^', '$', '\\', '/', '-', '\n', 'é', '😀');

  it('matches exactly the glob language (3,000 cases against a regex-free matcher)', () => {
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 6 }), fc.string({ unit, maxLength: 8 }), (glob, s) => {
        expect(globToRegExp(glob).test(s)).toBe(globMatches([...glob], [...s]));
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('escapes only syntax characters, so the text is valid in both RE2 and u-mode JavaScript', () => {
    expect(globPattern('a-b/c:d')).toBe('^a-b/c:d$');
    expect(globPattern('(x)[y]{z}|^$+.\\')).toBe('^\\(x\\)\\[y\\]\\{z\\}\\|\\^\\$\\+\\.\\\\$');
    expect(globPattern('localhost/*?')).toBe('^localhost/[\\s\\S]*[\\s\\S]$');
  });
});
