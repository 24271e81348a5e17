/**
 * A test-only model of the two string passes Kyverno runs over every validate rule string before
 * use (kyverno/kyverno pkg/engine/variables/vars.go: substituteReferencesIfAny, then
 * substituteVariablesIfAny; regexes from pkg/engine/variables/regex/vars.go). Instead of resolving,
 * it reports any reference or variable it would resolve against the request, because podsec's escaped
 * text must contain none: the engine has to read back exactly what the author wrote. The one kind of
 * variable it evaluates is a JMESPath JSON literal (`` {{`"$"`}} ``), which podsec writes for text no
 * backslash can escape.
 *
 * Go's `.` excludes only `\n`, hence `[^\n]` below.
 */
import { search } from '@jmespath-community/jmespath';

const REFERENCES = /^\$\([^\n][^ ]*\)|[^\\]\$\([^\n][^ ]*\)/u;
const ESCAPED_REFERENCES = /\\\$\([^\n][^ )]*\)/gu;
const VARIABLES = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/gu;
/** Kyverno repeats the variable pass until nothing is left; podsec's literals never produce new variables. */
const MAX_ROUNDS = 8;
/** A whole `{{ … }}` string (RegexVariableInit anchored at both ends): Kyverno substitutes its JSON value. */
export const WHOLE_VARIABLE = /^\{\{(?:\{[^{}]*\}|[^{}])*\}\}$/u;

export type Substituted = { ok: true; text: string } | { ok: false; reason: string };

export function kyvernoSubstitute(value: string): Substituted {
  const ref = REFERENCES.exec(value);
  if (ref) return { ok: false, reason: `reference ${ref[0]} would be resolved` };
  // strings.Replace(value, v, v[1:], -1) for each escaped reference found.
  for (const v of new Set(value.match(ESCAPED_REFERENCES) ?? [])) value = value.split(v).join(v.slice(1));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const found = [...value.matchAll(VARIABLES)];
    if (found.length === 0) return { ok: true, text: value.split('\\{{').join('{{') };
    for (const [, prefix, variable] of found) {
      const literal = jsonLiteralValue((variable as string).slice(2, -2).trim());
      if (literal === undefined) return { ok: false, reason: `variable ${variable} would be resolved` };
      value = value.replace(`${prefix}${variable}`, () => `${prefix}${literal}`);
    }
  }
  return { ok: false, reason: 'variable substitution did not settle' };
}

/** The string a `` `json` `` JMESPath literal evaluates to, or undefined for any other expression. */
function jsonLiteralValue(expression: string): string | undefined {
  if (!/^`[^`]*`$/u.test(expression)) return undefined;
  const value = search(null, expression);
  return typeof value === 'string' ? value : undefined;
}
