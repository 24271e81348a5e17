/**
 * `{{ }}` variable substitution — Kyverno's pkg/engine/variables (SubstituteAll): every string leaf and map key
 * of a document is scanned; innermost `{{…}}` are resolved first and the scan repeats, so nested expressions
 * such as `x509_decode('{{request.object.data.cert}}')` work. A string that is exactly one variable takes the
 * variable's type; otherwise the value is spliced in as text (JSON for non-strings). `\{{` escapes.
 */
import type { JsonContext } from './context.js';
import { goJsonMarshal } from './gojson.js';
import { isObject } from './json.js';

const VARIABLES_RE = /(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})/g;
const VARIABLE_INIT_RE = /^\{\{(\{[^{}]*\}|[^{}])*\}\}/;
/** Guards against a substitution that keeps producing new `{{` (Kyverno would loop forever). */
const MAX_ROUNDS = 64;

export class SubstitutionError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'SubstitutionError';
  }
}

export class UnsupportedVariableError extends SubstitutionError {}

function findVars(s: string): string[] {
  if (!s.includes('{{')) return [];
  return [...s.matchAll(VARIABLES_RE)].map((m) => m[0]);
}

function stripBraces(v: string): { variable: string; shallow: boolean } {
  const variable = v.replaceAll('{{', '').replaceAll('}}', '').trim();
  if (variable.startsWith('-')) return { variable: variable.slice(1).trim(), shallow: true };
  return { variable, shallow: false };
}

function substituteString(ctx: JsonContext, input: string, path: string): unknown {
  if (!input.includes('{{')) return input;
  let value = input;
  const isDelete = ctx.operation() === 'DELETE';
  let vars = findVars(value);
  let rounds = 0;
  while (vars.length > 0) {
    if (++rounds > MAX_ROUNDS) throw new SubstitutionError(`variable substitution did not terminate at path ${path}`);
    const originalPattern = value;
    let shallow = false;
    for (let v of vars) {
      const initial = VARIABLE_INIT_RE.test(v);
      const old = v;
      if (!initial) v = v.slice(1);
      const parsed = stripBraces(v);
      shallow = parsed.shallow;
      let variable = parsed.variable;
      if (variable === '@') {
        throw new UnsupportedVariableError(`the '{{@}}' variable (value at the pattern's own path) is not supported by podsec (at path ${path})`);
      }
      if (isDelete) variable = variable.replaceAll('request.object', 'request.oldObject');
      let resolved: unknown;
      try {
        resolved = ctx.query(variable);
      } catch (e) {
        throw new SubstitutionError(`failed to resolve ${variable} at path ${path}: ${(e as Error).message}`, e);
      }
      if (originalPattern === v) return resolved;
      const prefix = initial ? '' : old[0];
      if (shallow && resolved !== null && resolved !== undefined) {
        resolved = String(resolved).replaceAll('{{', '\\{{');
      }
      const text = typeof resolved === 'string' ? resolved : goJsonMarshal(resolved ?? null);
      value = value.replace(`${prefix}${v}`, () => `${prefix}${text}`);
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
