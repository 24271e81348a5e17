import { fieldSpec, type Check, type Predicate, type Ref, type RefComparison } from '@podsec/ir';

/**
 * Plain-English rendering of checks for generated documentation. One table entry per predicate
 * keeps the wording consistent across policies.
 */
const list = (vs: readonly unknown[]) => vs.map((v) => `\`${JSON.stringify(v)}\``).join(', ');

/** A reference as written in the docs: `parameters.allowedHostPaths`, `e0.pathPrefix`. */
export const refText = (r: Ref): string =>
  'param' in r
    ? `\`${['parameters', ...r.param].join('.')}\`${r.prefix === undefined ? '' : ` entries starting with \`${r.prefix}\` (without it)`}`
    : `\`${[r.var, ...r.path].join('.')}\``;

const REF_TEXT: Record<RefComparison, string> = {
  equals: 'equals',
  in: 'is one of',
  notIn: 'is not one of',
  min: 'is at least',
  max: 'is at most',
  prefix: 'starts with',
  wildcard: 'matches the pattern',
  pathPrefix: 'is a path under',
  subsetOf: 'only contains values of',
  containsAll: 'contains every value of',
  containsNone: 'contains no value of',
  keysIn: 'has only keys listed in',
};

const PREDICATE_TEXT: { [K in Predicate['op']]: (p: Extract<Predicate, { op: K }>) => string } = {
  equals: (p) => `is ${list([p.value])}`,
  in: (p) => `is one of ${list(p.values)}`,
  notIn: (p) => `is not one of ${list(p.values)}`,
  range: (p) =>
    p.min !== undefined && p.max !== undefined ? `is between ${p.min} and ${p.max}` : p.min !== undefined ? `is at least ${p.min}` : `is at most ${p.max}`,
  present: () => 'is set',
  absent: () => 'is not set',
  prefix: (p) => `starts with ${list([p.value])}`,
  glob: (p) => `matches the glob ${list([p.value])}`,
  subsetOf: (p) => `only contains ${p.values.length ? list(p.values) : 'nothing'}${p.normalize === 'capability' ? ' (capability spellings normalised)' : ''}`,
  containsAll: (p) => `contains ${list(p.values)}`,
  containsNone: (p) => `contains none of ${list(p.values)}${p.normalize === 'capability' ? ' (capability spellings normalised)' : ''}`,
  hasAnyKey: (p) => `has one of the keys ${list(p.values)}`,
  wildcard: (p) => `matches ${list([p.value])}${p.value.endsWith('*') ? ' (as a prefix)' : ''}`,
  pathPrefix: (p) => `is a path under ${list([p.value])}`,
  keysIn: (p) => `has only the keys ${list(p.values)}${p.ignore.length ? ` (besides ${list(p.ignore)})` : ''}`,
  at: (p) => `at \`${p.path.join('.')}\`${p.absent === 'pass' ? ' when set' : ''} ${describePredicate(p.pred)}`,
  ref: (p) => `${REF_TEXT[p.cmp]} ${refText(p.to)}`,
  some: (p) => `for some \`${p.as}\` in ${refText(p.in)}: ${describePredicate(p.pred)}`,
  and: (p) => p.of.map(describePredicate).join(' and '),
  or: (p) => `either ${p.of.map(describePredicate).join(', or ')}`,
  not: (p) => `does not satisfy: ${describePredicate(p.pred)}`,
};

export function describePredicate(p: Predicate): string {
  return (PREDICATE_TEXT[p.op] as (p: Predicate) => string)(p);
}

const SCOPE_TEXT = { pod: 'the pod-level', container: "each container's own", effective: "each container's effective (container, else pod)" } as const;

export function describeCheck(c: Check): string {
  switch (c.kind) {
    case 'all':
      return c.checks.map(describeCheck).join('; and ');
    case 'any':
      return `at least one of: ${c.checks.map(describeCheck).join('; or ')}`;
    case 'not':
      return `not (${describeCheck(c.check)})`;
    case 'field': {
      const absent = c.absent === 'pass' ? ' when set' : ' (required)';
      return `${SCOPE_TEXT[c.scope]} \`${c.field}\`${absent} ${describePredicate(c.pred)}${c.containers ? ` [${c.containers.join(', ')}]` : ''}`;
    }
    case 'each':
      return `every item of \`${fieldSpec(c.field).id}\`${c.path.length ? ` at \`${c.path.join('.')}\`` : ''}${c.absent === 'pass' ? ' when set' : ''} ${describePredicate(c.pred)}`;
    case 'entries':
      return `every annotation starting with \`${c.keyPrefix}\` ${describePredicate(c.pred)}`;
    case 'items':
      return `for every item \`${c.as}\` of \`${c.field}\`${c.scope === 'container' ? ' (in each container)' : ''}: ${describeCheck(c.check)}`;
    case 'value':
      return `${refText(c.of)}${c.absent === 'pass' ? ' when set' : ' (required)'} ${describePredicate(c.pred)}`;
    case 'some':
      return `for some \`${c.as}\` in ${refText(c.in)}: ${describeCheck(c.check)}`;
    case 'containerAnnotation':
      return `each container's annotation \`${c.keyPrefix}<container name>\`${c.absent === 'pass' ? ' when set' : ' (required)'} ${describePredicate(c.pred)}`;
    case 'const':
      return c.holds ? 'always holds' : 'never holds';
  }
}
