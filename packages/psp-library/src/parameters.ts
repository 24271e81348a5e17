/**
 * A Constraint's `spec.parameters` checked against the template's parameter declarations (the
 * same declarations the generated openAPIV3Schema comes from), so a value Gatekeeper's API server
 * would refuse — or silently prune — is refused here, naming the path and the fix.
 */
import { nameFix, type ParamSchema } from '@podsec/ir';
import { PspConstraintError } from './constraint.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const EXAMPLE: Readonly<Record<ParamSchema['type'], string>> = {
  boolean: 'true',
  integer: '1000',
  string: '"value"',
  array: '[…]',
  object: '{…}',
};

function describe(s: ParamSchema): string {
  if (s.type === 'array') return `a list of ${describe(s.items).replace(/^an? /, '')}s`;
  if (s.type === 'string' && s.enum) return `one of ${s.enum.join(', ')}`;
  return { boolean: 'a boolean', integer: 'an integer', string: 'a string', object: 'a mapping' }[s.type];
}

function check(schema: ParamSchema, value: unknown, path: string, source: string, kind: string): void {
  const fail = (problem: string, fix: string): never => {
    throw new PspConstraintError(`${source}: ${path}: ${problem}. Fix: ${fix}.`);
  };
  // JSON null is "unset", as Gatekeeper's parameters pass through unchanged and the templates test presence.
  if (value === null) return;
  const wrong = () => fail(`${JSON.stringify(value)} is not ${describe(schema)}`, `write ${describe(schema)}, e.g. ${EXAMPLE[schema.type]}`);
  switch (schema.type) {
    case 'boolean':
      if (typeof value !== 'boolean') wrong();
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) wrong();
      return;
    case 'string':
      if (typeof value !== 'string') wrong();
      if (schema.enum && !schema.enum.includes(value as string)) fail(`"${value as string}" is not allowed`, nameFix(value as string, schema.enum));
      return;
    case 'array':
      if (!Array.isArray(value)) wrong();
      (value as unknown[]).forEach((v, i) => check(schema.items, v, `${path}[${i}]`, source, kind));
      return;
    case 'object':
      if (!isObj(value)) wrong();
      for (const [k, v] of Object.entries(value as Obj)) {
        const inner = schema.properties[k];
        if (!inner)
          throw new PspConstraintError(
            `${source}: ${path}.${k}: not a field of ${kind}'s ${path.replace(/^spec\.parameters\./, '')}. Fix: ${nameFix(k, Object.keys(schema.properties))}.`,
          );
        check(inner!, v, `${path}.${k}`, source, kind);
      }
  }
}

/** Throws a PspConstraintError naming `source`, the path under spec.parameters and the fix, on a value the declarations refuse. */
export function checkParameters(declared: Record<string, ParamSchema>, values: Obj, source: string, kind: string): void {
  const names = Object.keys(declared);
  for (const [name, value] of Object.entries(values)) {
    const schema = declared[name];
    if (!schema)
      throw new PspConstraintError(
        `${source}: spec.parameters.${name}: not a parameter of ${kind}. Fix: ${names.length ? nameFix(name, names) : `${kind} takes no parameters; remove spec.parameters`}.`,
      );
    check(schema, value, `spec.parameters.${name}`, source, kind);
  }
}
