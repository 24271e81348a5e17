/**
 * Every place user text enters a Kyverno ClusterPolicy goes through this module, so each engine
 * string is read back exactly as the author wrote it.
 *
 * Kyverno rewrites strings in two passes before use (pkg/engine/variables/vars.go, substituteAll):
 * `$(path)` references (regex `^\$\(.[^ ]*\)|[^\\]\$\(.[^ ]*\)`, escaped form `\$(…)` whose
 * backslash is dropped), then `{{ jmespath }}` variables (regex
 * `(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})`), after which every `\{{` becomes `{{`.
 */

/**
 * A `$(` that Kyverno would take as a reference, with the backslashes the author wrote before it. The
 * lookahead is the escape regex `\\\$\(.[^ )]*\)` (Go's `.` excludes only `\n`), which matches exactly
 * where the reference regex `\$\(.[^ ]*\)` does: both need a `)` before the first space.
 */
const REFERENCE_START = /(\\*)\$\((?=[^\n][^ )]*\))/gu;
/** The rest of an escaped reference after its `$(`: Kyverno strips the span's first backslash only. */
const SPAN_REST = /[^\n][^ )]*\)/uy;

/**
 * Kyverno unescapes `\$(…)` by removing the first backslash of each matched span, so a second `$(`
 * inside that span cannot be escaped with a backslash too (it would survive) nor be left bare (it
 * would be resolved). Its `$` is written as a `{{ }}` variable whose value is the literal text; the
 * variable has no space or `)`, so the outer span ends where it did. Backslashes before that `$` go
 * into the literal, where they cannot escape the `{{`.
 */
function escapeReferences(text: string): string {
  let spanEnd = -1;
  return text.replace(REFERENCE_START, (match: string, backslashes: string, offset: number) => {
    const dollar = offset + backslashes.length;
    if (dollar < spanEnd) return `{{${jmespathLiteral(`${backslashes}$`)}}}(`;
    SPAN_REST.lastIndex = dollar + 2;
    SPAN_REST.exec(text);
    spanEnd = SPAN_REST.lastIndex;
    return `\\${match}`;
  });
}

/**
 * Plain text (messages) → a string that Kyverno's substitution turns back into the same text.
 * Each maximal run of n ≥ 2 `{` becomes `{`×(n−2) + `\{{`: the escaped pair cannot start a variable,
 * the remaining single braces cannot either (a variable needs `{{` not followed by a bare `{`), and
 * the final `\{{` → `{{` pass restores the run. A backslash the author wrote before `{{` survives
 * because that pass removes only one backslash. References are escaped last, so the `{{ }}` they may
 * add stays a variable.
 */
export function kyvernoText(text: string): string {
  return escapeReferences(text.replace(/\{{2,}/g, (run) => `${'{'.repeat(run.length - 2)}\\{{`));
}

/**
 * A JMESPath JSON literal (`` `…` ``) for a scalar or a list. Characters that mean something to the
 * layers around the expression are written as JSON `\u` escapes so they never appear raw: backtick
 * (ends the literal), `{` `}` (Kyverno's variable regex allows no unbalanced braces inside `{{ }}`)
 * and `$` (reference substitution runs over the condition text too).
 */
export function jmespathLiteral(value: unknown): string {
  // Object literals would need raw braces, which Kyverno's variable regex cannot carry; no IR value is an object.
  const hasObject = (v: unknown): boolean => (Array.isArray(v) ? v.some(hasObject) : typeof v === 'object' && v !== null);
  if (hasObject(value)) throw new Error('JMESPath literals in Kyverno conditions are limited to scalars and lists');
  // List items are separated by ", " so a long list folds at its commas (YAML folding breaks only at spaces).
  const json = Array.isArray(value) ? `[${value.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(value);
  if (json === undefined) throw new Error(`cannot write ${String(value)} as a JMESPath literal`);
  return `\`${json.replace(/[`{}$]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\``;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A field name as a JMESPath identifier: bare when the grammar allows it, else a quoted identifier. */
export function jmespathIdentifier(name: string): string {
  if (IDENTIFIER.test(name)) return name;
  return JSON.stringify(name).replace(/[`{}$]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A property path as a JMESPath sub-expression (`a.b.c`); the empty path is the current node. */
export function jmespathPath(path: readonly string[]): string {
  return path.length ? path.map(jmespathIdentifier).join('.') : '@';
}

/** `{{ expression }}`, the form Kyverno substitutes with the expression's JSON value. */
export function variable(expression: string): string {
  return `{{ ${expression} }}`;
}

/**
 * Characters that give a string pattern a meaning beyond itself in Kyverno (pkg/engine/pattern:
 * `|` alternation, `&` conjunction, operators `! < > =`, ranges with `-`, wildcards `* ?`), plus
 * what substitution rewrites (`{` `$` `\`) and whitespace that `|`/`&` splitting trims.
 */
const PATTERN_UNSAFE = /[|&!<>=\-*?{}$\\\s]/u;

/**
 * Go's strconv.ParseBool spellings, durations/quantities (a leading digit, sign or dot), and the
 * empty string are all compared by value rather than as text, so only strings that start with a
 * letter and avoid PATTERN_UNSAFE are their own literal pattern.
 */
const GO_BOOLEANS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);

export function isLiteralPatternString(s: string): boolean {
  return /^[A-Za-z]/.test(s) && !PATTERN_UNSAFE.test(s) && !GO_BOOLEANS.has(s) && s.toLowerCase() !== 'null';
}
