/**
 * One-line English summaries of IR checks and predicates, for the comment above each generated
 * rule: a reviewer can match Rego to policy intent without opening the IR.
 */
import { CONTAINER_KINDS, type Check, type Predicate, type Ref, type Scalar } from '@podsec/ir';

const refText = (r: Ref): string =>
  'param' in r
    ? `${['input.parameters', ...r.param].join('.')}${r.prefix === undefined ? '' : ` (entries starting with ${JSON.stringify(r.prefix)}, without it)`}`
    : [r.var, ...r.path].join('.');

const list = (values: readonly Scalar[]) => values.map((v) => JSON.stringify(v)).join(', ');

const PREDICATE_TEXT: { [Op in Predicate['op']]: (p: Extract<Predicate, { op: Op }>) => string } = {
  equals: (p) => `equals ${JSON.stringify(p.value)}`,
  in: (p) => `is one of ${list(p.values)}`,
  notIn: (p) => `is none of ${list(p.values)}`,
  range: (p) =>
    `is a number${p.min !== undefined ? ` >= ${p.min}` : ''}${p.min !== undefined && p.max !== undefined ? ' and' : ''}${p.max !== undefined ? ` <= ${p.max}` : ''}`,
  present: () => 'is set',
  absent: () => 'is unset',
  prefix: (p) => `starts with ${JSON.stringify(p.value)}`,
  glob: (p) => `matches the glob ${JSON.stringify(p.value)}`,
  subsetOf: (p) => `is a list of only ${list(p.values)}${p.normalize === 'capability' ? ' (capability names normalised)' : ''}`,
  containsAll: (p) => `is a list containing all of ${list(p.values)}`,
  containsNone: (p) => `is a list containing none of ${list(p.values)}${p.normalize === 'capability' ? ' (capability names normalised)' : ''}`,
  hasAnyKey: (p) => `is an object with a key among ${list(p.values)}`,
  wildcard: (p) => `matches ${JSON.stringify(p.value)} (a trailing * matches any suffix)`,
  pathPrefix: (p) => `is a path under ${JSON.stringify(p.value)}`,
  keysIn: (p) => `is an object whose keys besides ${list(p.ignore)} are among ${list(p.values)}`,
  at: (p) => `has ${p.path.join('.')} that ${describePredicate(p.pred)} (${unset(p.absent)})`,
  ref: (p) => `${p.cmp} ${refText(p.to)}`,
  some: (p) => `for some ${p.as} in ${refText(p.in)}: ${describePredicate(p.pred)}`,
  and: (p) => `(${p.of.map(describePredicate).join(') and (')})`,
  or: (p) => `(${p.of.map(describePredicate).join(') or (')})`,
  not: (p) => `not (${describePredicate(p.pred)})`,
};

export function describePredicate(pred: Predicate): string {
  return (PREDICATE_TEXT[pred.op] as (p: Predicate) => string)(pred);
}

const SCOPE_TEXT = {
  pod: 'of the Pod',
  container: 'of each container',
  effective: "in effect for each container (its own, else the Pod's)",
} as const;

function containersText(kinds: readonly string[] | undefined): string {
  const k = kinds ?? CONTAINER_KINDS;
  return k.length === CONTAINER_KINDS.length ? '' : ` (${k.join(', ')} only)`;
}

const unset = (absent: 'pass' | 'fail') => `unset ${absent === 'pass' ? 'passes' : 'fails'}`;

const CHECK_TEXT: { [K in Check['kind']]: (c: Extract<Check, { kind: K }>) => string } = {
  all: (c) => `all of ${c.checks.length} checks hold`,
  any: (c) => `at least one of ${c.checks.length} checks holds`,
  not: () => 'the check below does not hold',
  field: (c) => `${c.field} ${SCOPE_TEXT[c.scope]}${c.scope === 'pod' ? '' : containersText(c.containers)} ${describePredicate(c.pred)}; ${unset(c.absent)}.`,
  each: (c) =>
    `every item of ${c.field} ${c.scope === 'pod' ? 'of the Pod' : `of each container${containersText(c.containers)}`}: ${c.path.length ? c.path.join('.') : 'the item'} ${describePredicate(c.pred)}; ${unset(c.absent)}.`,
  entries: (c) => `every ${c.field} entry whose key starts with ${JSON.stringify(c.keyPrefix)}: the value ${describePredicate(c.pred)}.`,
  items: (c) =>
    `every item ${c.as} of ${c.field} ${c.scope === 'pod' ? 'of the Pod' : `of each container${containersText(c.containers)}`} passes the check below.`,
  value: (c) => `${refText(c.of)} ${describePredicate(c.pred)}; ${unset(c.absent)}.`,
  some: (c) => `some ${c.as} in ${refText(c.in)} passes the check below.`,
  containerAnnotation: (c) =>
    `for each container${containersText(c.containers)}, the annotation ${JSON.stringify(c.keyPrefix)} + its name ${describePredicate(c.pred)}; ${unset(c.absent)}.`,
  const: (c) => (c.holds ? 'always holds.' : 'never holds.'),
};

/** A summary of a check; composite checks are described by their structure. */
export function describeCheck(check: Check): string {
  return (CHECK_TEXT[check.kind] as (c: Check) => string)(check);
}
