/**
 * IR checks as pattern alternatives on the Pod template ({metadata, spec}); undefined when the
 * check is not exactly expressible (see value-pattern.ts), and the rule then uses conditions.
 */
import { CONTAINER_KINDS, fieldSpec } from '@podsec/ir';
import type { Check, ContainerKind, FieldSpec, Predicate } from '@podsec/ir';
import { exactPattern } from './value-pattern.js';
import { atPath, conjoin, disjoin, leaf, listNode, type Alternatives, type PatternNode } from './pattern.js';

/** `path: value` whose last key is anchored by how the IR treats absence; undefined when no pattern says it. */
function testedAt(path: readonly string[], pred: Predicate, absent: 'pass' | 'fail', spec: FieldSpec): PatternNode | undefined {
  const last = path[path.length - 1];
  if (last === undefined) return undefined;
  const parents = path.slice(0, -1);
  // `absent` on a present value always fails: with absent-pass it means "must not be set".
  if (pred.op === 'absent') return absent === 'pass' ? atPath(parents, leaf(last, 'forbidden')) : undefined;
  const value = exactPattern(pred, spec);
  if (value === undefined) return undefined;
  return atPath(parents, leaf(last, absent === 'pass' ? 'optional' : 'required', value));
}

/** `spec: {=(containers): [item], =(initContainers): [item], …}`: every container of every listed kind. */
function everyContainer(kinds: readonly ContainerKind[] | undefined, item: PatternNode): PatternNode {
  const lists = (kinds ?? CONTAINER_KINDS).map((k) => atPath([k], listNode(item)));
  const merged = conjoin(lists.map((l) => [l]))!;
  return atPath(['spec'], merged[0]!);
}

export function checkPattern(check: Check): Alternatives {
  switch (check.kind) {
    case 'all':
      return conjoin(check.checks.map(checkPattern));
    case 'any':
      return disjoin(check.checks.map(checkPattern));
    case 'not':
    case 'items':
    case 'value':
    case 'some':
    case 'const':
    case 'containerAnnotation':
      return undefined;
    case 'entries':
      // A wildcard annotation key in a pattern is replaced by the *first* resource key it matches
      // (pkg/engine/wildcards/wildcards.go, ExpandInMetadata; a Go map, so an arbitrary one): with
      // two matching annotations only one is checked. Conditions check every entry.
      return undefined;
    case 'field': {
      const spec = fieldSpec(check.field);
      if (check.scope === 'pod') {
        const p = spec.pod && testedAt(spec.pod, check.pred, check.absent, spec);
        return p && [p];
      }
      if (!spec.container) return undefined;
      if (check.scope === 'container') {
        const own = testedAt(spec.container, check.pred, check.absent, spec);
        return own && [everyContainer(check.containers, own)];
      }
      // effective (own ?? pod) = (pod passes ∧ every set own passes) ∨ (every own set and passing);
      // the require-run-as-nonroot shape. When the pod value passes, the second branch adds nothing.
      if (!spec.pod || check.pred.op === 'absent') return undefined;
      const pod = testedAt(spec.pod, check.pred, check.absent, spec);
      const ownIfSet = testedAt(spec.container, check.pred, 'pass', spec);
      const ownRequired = testedAt(spec.container, check.pred, 'fail', spec);
      if (!pod || !ownIfSet || !ownRequired) return undefined;
      return disjoin([conjoin([[pod], [everyContainer(check.containers, ownIfSet)]]), [everyContainer(check.containers, ownRequired)]]);
    }
    case 'each': {
      // A list pattern applies a map item to every element; the item itself (path []) would be a
      // scalar list pattern, which Kyverno compares positionally, so that case falls back.
      const spec = fieldSpec(check.field);
      // Item values carry no enum of their own: the list's field spec says nothing about them.
      const itemPattern = testedAt(
        check.path,
        check.pred,
        check.absent,
        spec.type === 'object[]' ? { id: spec.id, type: itemType(check), doc: spec.doc } : spec,
      );
      if (!itemPattern) return undefined;
      if (check.scope === 'pod') return spec.pod ? [atPath(spec.pod, listNode(itemPattern))] : undefined;
      return spec.container ? [everyContainer(check.containers, atPath(spec.container, listNode(itemPattern)))] : undefined;
    }
  }
}

/**
 * The type of a value inside a list item, for literal checks. The field table types the list, not
 * its items, so only the scalar kinds a predicate literal itself carries are trusted.
 */
function itemType(check: Extract<Check, { kind: 'each' }>): FieldSpec['type'] {
  const p = check.pred;
  const sample = p.op === 'equals' ? p.value : p.op === 'in' || p.op === 'notIn' ? p.values[0] : p.op === 'range' ? 0 : undefined;
  return typeof sample === 'number' ? 'integer' : typeof sample === 'boolean' ? 'boolean' : 'string';
}
