/**
 * Parameters and bound values in Rego. A Gatekeeper template stays instance-independent: every
 * parameter is read from `input.parameters` at run time, with its declared default applied here,
 * so an upstream Constraint with any valid parameters works when the template is swapped in.
 */
import { paramSchemaAt, type PolicyIR, type Ref } from '@podsec/ir';
import { indent, type RegoEmitter } from './emitter.js';
import { itemReader } from './fields.js';
import { snakeCase } from './identifiers.js';
import { regoRef } from './refs.js';
import { regoComment } from './strings.js';

/** IR variable name → Rego local variable, for the bindings (`some`, `items`) enclosing a check. */
export type Bindings = ReadonlyMap<string, string>;

/** The Rego arguments a rule or function inside these bindings takes (and is called with). */
export const bindingArgs = (b: Bindings): string[] => [...b.values()];

/** `name` or `name(a, b)`: a rule head and, with the same local names in scope, its call. */
export const applied = (name: string, args: readonly string[]): string => (args.length ? `${name}(${args.join(', ')})` : name);

/** A 0-arity rule holding the parameter at `path` (default applied for a top-level parameter), or null. */
function paramReader(e: RegoEmitter, ir: PolicyIR, path: readonly string[]): string {
  return e.shared(`param:${JSON.stringify(path)}`, 'fields', `param_${snakeCase(path.join('_'))}`, (name) => {
    const [top, ...rest] = path;
    if (rest.length) {
      const parent = paramReader(e, ir, path.slice(0, -1));
      const key = path[path.length - 1]!;
      return [
        ...regoComment(`parameters.${path.join('.')}, or null when unset.`),
        `${name} := v if {`,
        ...indent([`v := ${regoRef(parent, [key])}`, 'v != null']),
        '} else := null',
      ];
    }
    const schema = paramSchemaAt(ir.parameters, [top!]);
    const fallback = schema?.default === undefined ? 'null' : JSON.stringify(schema.default);
    return [
      ...regoComment(`parameters.${top}${schema?.default === undefined ? ', or null when unset' : ', or its default when unset'}.`),
      `${name} := v if {`,
      ...indent([`v := ${regoRef('input.parameters', [top!])}`, 'v != null']),
      `} else := ${fallback}`,
    ];
  });
}

/** A 0-arity rule holding the string entries of a list parameter that start with `prefix`, prefix removed (null when unset). */
function prefixedReader(e: RegoEmitter, ir: PolicyIR, path: readonly string[], prefix: string): string {
  const list = paramReader(e, ir, path);
  return e.shared(
    `param:${JSON.stringify(path)}:${JSON.stringify(prefix)}`,
    'fields',
    `${list}_after_${snakeCase(prefix.replace(/[^A-Za-z0-9]+/g, '_'))}`,
    (name) => [
      ...regoComment(`the entries of parameters.${path.join('.')} starting with ${JSON.stringify(prefix)}, without it.`),
      `${name} := [trim_prefix(x, ${JSON.stringify(prefix)}) | some x in ${list}; is_string(x); startswith(x, ${JSON.stringify(prefix)})] if {`,
      ...indent([`is_array(${list})`]),
      '} else := null',
    ],
  );
}

/** The Rego term of a reference's value (null when unset). */
export function refTerm(e: RegoEmitter, ir: PolicyIR, ref: Ref, bindings: Bindings): string {
  if ('param' in ref) return ref.prefix === undefined ? paramReader(e, ir, ref.param) : prefixedReader(e, ir, ref.param, ref.prefix);
  const local = bindings.get(ref.var);
  if (!local) throw new Error(`internal: variable "${ref.var}" is not bound (the IR was not validated)`);
  const read = itemReader(e, ref.path);
  return read ? `${read}(${local})` : local;
}
