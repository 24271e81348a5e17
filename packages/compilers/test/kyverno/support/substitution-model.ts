/**
 * A test-only model of the two string passes Kyverno runs over every validate rule string before
 * use (kyverno/kyverno pkg/engine/variables/vars.go: substituteReferencesIfAny, then
 * substituteVariablesIfAny; regexes from pkg/engine/variables/regex/vars.go). Instead of resolving,
 * it reports any reference or variable it would resolve, because podsec's escaped text must contain
 * none: the engine has to read back exactly what the author wrote.
 *
 * Go's `.` excludes only `\n`, hence `[^\n]` below.
 */
const REFERENCES = /^\$\([^\n][^ ]*\)|[^\\]\$\([^\n][^ ]*\)/u;
const ESCAPED_REFERENCES = /\\\$\([^\n][^ )]*\)/gu;
const VARIABLES = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/u;
/** A whole `{{ … }}` string (RegexVariableInit anchored at both ends): Kyverno substitutes its JSON value. */
export const WHOLE_VARIABLE = /^\{\{(?:\{[^{}]*\}|[^{}])*\}\}$/u;

export type Substituted = { ok: true; text: string } | { ok: false; reason: string };

export function kyvernoSubstitute(value: string): Substituted {
  const ref = REFERENCES.exec(value);
  if (ref) return { ok: false, reason: `reference ${ref[0]} would be resolved` };
  // strings.Replace(value, v, v[1:], -1) for each escaped reference found.
  for (const v of new Set(value.match(ESCAPED_REFERENCES) ?? [])) value = value.split(v).join(v.slice(1));
  const variable = VARIABLES.exec(value);
  if (variable) return { ok: false, reason: `variable ${variable[2]} would be resolved` };
  return { ok: true, text: value.split('\\{{').join('{{') };
}
