/**
 * A rule's `require` as kyverno/policies writes it: the checks on each container as a `foreach`
 * over `request.object.spec.[ephemeralContainers, initContainers, containers][]` with short
 * `deny.conditions` on `element`, and checks on the Pod alone as top-level `deny.conditions`.
 *
 * `require` is split into its conjuncts; each is either an *element* condition (a field, list or
 * item check on one container, also the `effective` own-else-pod value) or a *global* condition
 * (pod fields, annotations, and any `any`/`not` that mixes containers, which jmespath.ts writes
 * over the whole container list). Deny fires when any conjunct fails, so every condition is one
 * short boolean `{{ pass }} Equals false`. The booleans are jmespath.ts's: null and missing are
 * one case, and a wrong-typed value fails closed.
 *
 * Global conditions sit in the foreach entries whose list holds the regular containers: the rule
 * is then decided per element with the Pod's own conditions alongside. A Pod always has a regular
 * container (the API server requires one), so such a list is never empty for an admitted Pod; a
 * foreach over an empty list decides nothing, which is right for container checks alone.
 */
import { containerKindsOf, fieldSpec, type Check, type ContainerKind } from '@podsec/ir';
import {
  and,
  checkExpression,
  containerPath,
  exemptExpression,
  insideItem,
  not,
  or,
  podPath,
  predicateExpression,
  testedExpression,
  under,
  type ExpressionOptions,
} from './jmespath.js';
import { jmespathPath, variable } from './escape.js';

/** kyverno/policies' order of the container lists. */
const FOREACH_ORDER: readonly ContainerKind[] = ['ephemeralContainers', 'initContainers', 'containers'];

export interface DenyCondition {
  key: string;
  operator: 'Equals';
  value: boolean;
}

/** Deny when the pass expression is false. */
export const failsWhenFalse = (pass: string): DenyCondition => ({ key: variable(pass), operator: 'Equals', value: false });

/** `all` nodes flattened: the conjuncts deny reads one by one. */
export function conjuncts(check: Check): Check[] {
  if (check.kind === 'all') return check.checks.flatMap(conjuncts);
  if (check.kind === 'const' && check.holds) return [];
  return [check];
}

/** The pass expression of a check on the container bound to `element`, or undefined when it reads more than one container. */
export function elementPass(check: Check, template: string, item: string): string | undefined {
  switch (check.kind) {
    case 'field': {
      if (check.scope === 'pod') return undefined;
      const spec = fieldSpec(check.field);
      const own = under(item, containerPath(spec));
      if (check.scope === 'container') return testedExpression(check.pred, check.absent, own);
      // effective: the container's own value when set, else the pod's (evaluate.ts: own ?? pod).
      return or([
        and([`${own} != null`, predicateExpression(check.pred, own)]),
        and([`${own} == null`, testedExpression(check.pred, check.absent, under(template, podPath(spec)))]),
      ]);
    }
    case 'each': {
      if (check.scope !== 'container') return undefined;
      const itemPasses = testedExpression(check.pred, check.absent, jmespathPath(check.path));
      return not(`${under(item, containerPath(fieldSpec(check.field)))}[?${not(itemPasses)}]`);
    }
    case 'items': {
      if (check.scope !== 'container') return undefined;
      const itemPasses = insideItem(check.check, { item: check.as });
      return not(`${under(item, containerPath(fieldSpec(check.field)))}[?${not(itemPasses)}]`);
    }
    default:
      return undefined;
  }
}

/** The container kinds an element conjunct reads (field, each and items checks carry their own). */
const kindsOf = (check: Check): readonly ContainerKind[] => ('containers' in check ? containerKindsOf(check) : containerKindsOf({}));

/** `request.object.spec.[ephemeralContainers, initContainers, containers][]` narrowed to `kinds`. */
export function containerList(template: string, kinds: readonly ContainerKind[]): string {
  const ordered = FOREACH_ORDER.filter((k) => kinds.includes(k));
  const spec = under(template, ['spec']);
  return ordered.length === 1 ? `${spec}.${ordered[0]}` : `${spec}.[${ordered.join(', ')}][]`;
}

/** `validate.deny` or `validate.foreach` deciding `require` on the Pod template at `template`. */
export function denyOrForeach(require: Check, template: string, o: ExpressionOptions): Record<string, unknown> {
  const global: DenyCondition[] = [];
  const byKinds = new Map<string, { kinds: readonly ContainerKind[]; conditions: DenyCondition[] }>();
  const exempt = o.exemptImages?.length ? exemptExpression(o.exemptImages, 'element.image') : undefined;
  for (const c of conjuncts(require)) {
    const pass = elementPass(c, template, 'element');
    if (pass === undefined) {
      global.push(failsWhenFalse(checkExpression(c, template, o)));
      continue;
    }
    const kinds = kindsOf(c);
    const key = FOREACH_ORDER.filter((k) => kinds.includes(k)).join(',');
    const group = byKinds.get(key) ?? { kinds, conditions: [] };
    // An exempt container passes every check; the Pod's own conditions still apply beside it.
    group.conditions.push(failsWhenFalse(exempt ? or([exempt, pass]) : pass));
    byKinds.set(key, group);
  }
  // The Pod's own conditions need a list that is never empty: one that holds the regular containers.
  // Without such a list they, and the container checks with them, are written over the whole Pod.
  if (global.length && ![...byKinds.values()].some((g) => g.kinds.includes('containers'))) {
    const all = conjuncts(require).map((c) => failsWhenFalse(checkExpression(c, template, o)));
    return { deny: { conditions: { any: all } } };
  }
  if (byKinds.size === 0) return { deny: { conditions: { any: global.length ? global : [failsWhenFalse('`true`')] } } };
  return {
    foreach: [...byKinds.values()].map((g) => ({
      list: containerList(template, g.kinds),
      deny: { conditions: { any: [...(g.kinds.includes('containers') ? global : []), ...g.conditions] } },
    })),
  };
}
