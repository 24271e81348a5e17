import { CONTAINER_KINDS } from './fields.js';
import type { Check, ContainerKind, FieldId, PolicyIR, Predicate } from './types.js';

/** Every check node below (and including) `check`, depth first. */
export function* walkChecks(check: Check): Generator<Check> {
  yield check;
  if (check.kind === 'all' || check.kind === 'any') for (const c of check.checks) yield* walkChecks(c);
  else if (check.kind === 'not' || check.kind === 'items' || check.kind === 'some') yield* walkChecks(check.check);
}

export function* walkPredicates(pred: Predicate): Generator<Predicate> {
  yield pred;
  if (pred.op === 'and' || pred.op === 'or') for (const p of pred.of) yield* walkPredicates(p);
  else if (pred.op === 'not' || pred.op === 'at' || pred.op === 'some') yield* walkPredicates(pred.pred);
}

/** Fields a policy reads, in first-use order (fixture generators vary exactly these). */
export function fieldsUsed(policy: PolicyIR): FieldId[] {
  const seen = new Set<FieldId>();
  for (const rule of policy.rules) {
    for (const root of [rule.when, rule.require]) {
      if (!root) continue;
      for (const c of walkChecks(root)) if ('field' in c) seen.add(c.field);
    }
  }
  return [...seen];
}

/** The container kinds a check visits; all three unless the author narrowed them. */
export function containerKindsOf(check: { containers?: ContainerKind[] }): readonly ContainerKind[] {
  return check.containers ?? CONTAINER_KINDS;
}

/**
 * Whether a check node reads containers (so a message can name them): fields at container or
 * effective scope, per-container lists, and the per-container annotations.
 */
export function isContainerScoped(check: Check): boolean {
  switch (check.kind) {
    case 'field':
      return check.scope !== 'pod';
    case 'each':
    case 'items':
      return check.scope === 'container';
    case 'containerAnnotation':
      return true;
    default:
      return false;
  }
}
