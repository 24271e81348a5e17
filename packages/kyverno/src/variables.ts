/**
 * `{{ }}` variable substitution — Kyverno's pkg/engine/variables (SubstituteAll): every string leaf and map key
 * of a document is scanned; innermost `{{…}}` are resolved first and the scan repeats, so nested expressions
 * such as `x509_decode('{{request.object.data.cert}}')` work. A string that is exactly one variable takes the
 * variable's type; otherwise the value is spliced in as text (JSON for non-strings). `\{{` escapes.
 * Kyverno's reference pass runs first; podsec resolves no `$(…)` reference (policy loading refuses them),
 * but it does unescape `\$(…)` as that pass does.
 */
import type { JsonContext } from './context.js';
import { goJsonMarshal } from './gojson.js';
import { isObject } from './json.js';
import { PreparedQuery } from './prepared-query.js';

const VARIABLES_RE = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/g;
const VARIABLE_INIT_RE = /^\{\{(\{[^{}]*\}|[^{}])*\}\}/;
/** variables.RegexEscpReferences: the escaped `\$(…)` form, whose first backslash Kyverno removes. */
const ESCAPED_REFERENCES_RE = /\\\$\([^\n][^ )]*\)/g;
/** Guards against a substitution that keeps producing new `{{` (Kyverno would loop forever). */
const MAX_ROUNDS = 64;

export class SubstitutionError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'SubstitutionError';
  }
}

export class UnsupportedVariableError extends SubstitutionError {}

/** One `{{…}}` occurrence found in a string, with everything about it that does not depend on the context. */
interface VariableRef {
  /** The occurrence without the character the pattern consumed before it. */
  text: string;
  /** That character ('' when the occurrence starts the match). */
  prefix: string;
  /** Whether the string starts with this occurrence. */
  initial: boolean;
  /** Whether the occurrence is the whole string it was found in (compared once, not per substitution). */
  whole: boolean;
  variable: string;
  shallow: boolean;
  /** `variable` prepared for JsonContext.query, on first use. */
  query?: PreparedQuery;
}

/**
 * Occurrences per string, computed once: policies substitute the same few hundred strings for every request,
 * and scanning them with the regular expressions was most of the substitution cost. Bounded, because later
 * rounds scan strings built from request data.
 */
const refsCache = new Map<string, VariableRef[]>();
const MAX_CACHED_STRINGS = 10_000;

function findVars(s: string): VariableRef[] {
  if (!s.includes('{{')) return [];
  let refs = refsCache.get(s);
  if (refs) return refs;
  refs = [...s.matchAll(VARIABLES_RE)].map((m) => {
    const old = m[0];
    const initial = VARIABLE_INIT_RE.test(old);
    const text = initial ? old : old.slice(1);
    return { text, prefix: initial ? '' : (old[0] as string), initial, whole: text === s, ...stripBraces(text) };
  });
  if (refsCache.size >= MAX_CACHED_STRINGS) refsCache.clear();
  refsCache.set(s, refs);
  return refs;
}

function stripBraces(v: string): { variable: string; shallow: boolean } {
  const variable = v.replaceAll('{{', '').replaceAll('}}', '').trim();
  if (variable.startsWith('-')) return { variable: variable.slice(1).trim(), shallow: true };
  return { variable, shallow: false };
}

function resolveVariable(ctx: JsonContext, ref: VariableRef, isDelete: boolean, path: string): unknown {
  let variable = ref.variable;
  if (variable === '@') {
    throw new UnsupportedVariableError(`the '{{@}}' variable (value at the pattern's own path) is not supported by podsec (at path ${path})`);
  }
  if (isDelete) variable = variable.replaceAll('request.object', 'request.oldObject');
  try {
    return ctx.query(isDelete ? variable : (ref.query ??= new PreparedQuery(variable)));
  } catch (e) {
    throw new SubstitutionError(`failed to resolve ${variable} at path ${path}: ${(e as Error).message}`, e);
  }
}

/**
 * `strings.Replace(value, v, v[1:], -1)` for each distinct escaped reference v, as substituteReferences does:
 * the first backslash of every occurrence of the span's text goes, and nothing else inside the span.
 */
function unescapeReferences(value: string): string {
  if (!value.includes('\\$(')) return value;
  for (const span of new Set(value.match(ESCAPED_REFERENCES_RE))) value = value.split(span).join(span.slice(1));
  return value;
}

function substituteString(ctx: JsonContext, raw: string, path: string): unknown {
  const input = unescapeReferences(raw);
  if (!input.includes('{{')) return input;
  let value = input;
  const isDelete = ctx.operation() === 'DELETE';
  let vars = findVars(value);
  // The common case, a string that is exactly one variable: its value, as the first round below returns it.
  const first = vars[0];
  if (first?.whole) return resolveVariable(ctx, first, isDelete, path);
  let rounds = 0;
  while (vars.length > 0) {
    if (++rounds > MAX_ROUNDS) throw new SubstitutionError(`variable substitution did not terminate at path ${path}`);
    const originalPattern = value;
    let shallow = false;
    for (const ref of vars) {
      shallow = ref.shallow;
      let resolved = resolveVariable(ctx, ref, isDelete, path);
      if (originalPattern === ref.text) return resolved;
      if (shallow && resolved !== null && resolved !== undefined) {
        resolved = String(resolved).replaceAll('{{', '\\{{');
      }
      const text = typeof resolved === 'string' ? resolved : goJsonMarshal(resolved ?? null);
      value = value.replace(`${ref.prefix}${ref.text}`, () => `${ref.prefix}${text}`);
    }
    vars = shallow ? [] : findVars(value);
  }
  return value.replaceAll('\\{{', '{{');
}

/** Substitute every variable in a JSON document (strings and map keys), returning a new document. */
export function substituteAll(ctx: JsonContext, doc: unknown, path = ''): unknown {
  if (typeof doc === 'string') return substituteString(ctx, doc, path || '/');
  if (Array.isArray(doc)) return doc.map((d, i) => substituteAll(ctx, d, `${path}/${i}`));
  if (isObject(doc)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc)) {
      const key = substituteString(ctx, k, `${path}/${k}`);
      out[typeof key === 'string' ? key : goJsonMarshal(key)] = substituteAll(ctx, v, `${path}/${k}`);
    }
    return out;
  }
  return doc;
}
