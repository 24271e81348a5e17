/**
 * Parameters: resolving an instance's values against the declarations (defaults), and the
 * matching helpers the parameterised predicates share with every engine's rendering of them.
 */
import type { ParamRef, ParamSchema, ParamValues, PolicyIR } from './types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const present = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * The values a policy instance runs with: each declared top-level parameter's value, or its
 * default when the instance leaves it unset (JSON null counts as unset). Undeclared values are
 * kept: Gatekeeper passes a Constraint's parameters through as they are.
 */
export function effectiveValues(ir: Pick<PolicyIR, 'parameters' | 'values'>, values: ParamValues | undefined = ir.values): ParamValues {
  const out: ParamValues = { ...(values ?? {}) };
  for (const [name, schema] of Object.entries(ir.parameters ?? {})) {
    if (!present(out[name]) && schema.default !== undefined) out[name] = schema.default;
    else if (!present(out[name])) delete out[name];
  }
  return out;
}

/** The value a ParamRef names in effective values, or undefined. */
export function readParam(values: ParamValues, ref: ParamRef): unknown {
  let cur: unknown = values;
  for (const key of ref.param) {
    if (!isObj(cur)) return undefined;
    cur = cur[key];
  }
  if (ref.prefix === undefined) return present(cur) ? cur : undefined;
  const prefix = ref.prefix;
  // Non-string entries are not spellings of anything: left out, as the Rego comprehension does.
  return Array.isArray(cur) ? cur.filter((x): x is string => typeof x === 'string' && x.startsWith(prefix)).map((x) => x.slice(prefix.length)) : undefined;
}

/** The declared schema at a parameter path, or undefined when the path leaves the declarations. */
export function paramSchemaAt(parameters: Record<string, ParamSchema> | undefined, path: readonly string[]): ParamSchema | undefined {
  let node: ParamSchema | undefined = parameters?.[path[0] ?? ''];
  for (const key of path.slice(1)) node = node?.type === 'object' ? node.properties[key] : undefined;
  return node;
}

/** gatekeeper-library's image/sysctl pattern: equal, or a prefix when the pattern ends with `*`. */
export function wildcardMatches(pattern: string, value: string): boolean {
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

/** Path segments as PodSecurityPolicy compares them: slashes trimmed at both ends; `/` alone has none. */
export function pathSegments(path: string): string[] {
  return path === '/' ? [] : path.replace(/^\/+|\/+$/g, '').split('/');
}

/** The segments of `prefix` are a prefix of the segments of `path` (allowedHostPaths). */
export function pathPrefixMatches(prefix: string, path: string): boolean {
  const a = pathSegments(prefix);
  const b = pathSegments(path);
  return a.length <= b.length && a.every((seg, i) => seg === b[i]);
}

/**
 * pathPrefixMatches as one regular expression over the unmodified path (valid in RE2 and
 * JavaScript), for engines without a trim function: leading slashes, the prefix's segments, then
 * the end or a slash.
 */
export function pathPrefixPattern(prefix: string): string {
  const segs = pathSegments(prefix);
  if (segs.length === 0) return '^[\\s\\S]*$';
  const literal = segs.join('/').replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
  // An empty trimmed prefix admits only paths that trim to nothing ("" and "//…", not "/").
  if (literal === '') return '^(//+)?$';
  return `^/*${literal}(/[\\s\\S]*)?$`;
}
