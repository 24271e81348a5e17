/**
 * The one translation of an IR glob (`*` any run of characters, `?` exactly one, everything else
 * literal, matched against the whole string) into a regular expression. The pattern text is valid,
 * with the same meaning, in RE2 (Rego's regex.match, CEL's matches(), Kyverno's regex_match) and in
 * JavaScript's `u`-mode RegExp (the reference evaluator, JavaScript-based engines):
 * - `[\s\S]` rather than `.`, so `*` spans newlines without the `(?s)` flag JavaScript rejects;
 * - exactly the characters that are syntax in both dialects are escaped (RE2 rejects unknown
 *   letter escapes, `u`-mode JavaScript rejects escaped non-syntax punctuation such as `\-`).
 */
const META = /[\\.+*?()|[\]{}^$]/g;
const ANY = '[\\s\\S]';

export function globPattern(glob: string): string {
  return `^${[...glob].map((ch) => (ch === '*' ? `${ANY}*` : ch === '?' ? ANY : ch.replace(META, '\\$&'))).join('')}$`;
}

/** `globPattern` as a JavaScript RegExp; `u` so `?` is one code point, as in RE2. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(globPattern(glob), 'u');
}
