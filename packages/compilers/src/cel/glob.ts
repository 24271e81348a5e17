/**
 * IR globs (`*` any run, `?` one character, everything else literal, whole-string match) as a regular
 * expression for CEL's `matches()`, which is RE2 in Kubernetes and Kyverno.
 */

// Metacharacters of RE2 that are also syntax characters in JavaScript's `u`-mode RegExp: escaping
// exactly these keeps the pattern valid in both dialects (RE2 rejects unknown escapes such as `\-`
// only for letters; JavaScript `u` mode rejects escaped non-syntax punctuation).
const META = new Set(['\\', '.', '+', '*', '?', '(', ')', '|', '[', ']', '{', '}', '^', '$']);

/**
 * `[\s\S]` rather than `.`: a glob's `*` also spans newlines, and RE2 needs the `s` flag for `.` to do
 * that, which JavaScript's RegExp (used by local CEL libraries) cannot take inline on Node 20.
 */
const ANY = '[\\s\\S]';

export function globToRe2(glob: string): string {
  let out = '^';
  for (const ch of glob) {
    if (ch === '*') out += `${ANY}*`;
    else if (ch === '?') out += ANY;
    else out += META.has(ch) ? `\\${ch}` : ch;
  }
  return `${out}$`;
}
