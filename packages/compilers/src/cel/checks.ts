/**
 * IR checks as CEL over the Pod template, mirroring `evaluateCheck` (packages/ir/src/evaluate.ts).
 * Every field read goes through an optional chain, so an absent field is a decision (`absent: pass`
 * or `fail`), never a CEL "no such key" error that failurePolicy would turn into a denial.
 */
import {
  containerKindsOf,
  fieldPath,
  fieldSpec,
  type Check,
  type ContainerKind,
  type FieldSpec,
  type Predicate,
  type TestedPredicate,
  type ValueType,
} from '@podsec/ir';
import { and, ifThen, not, or } from './bool.js';
import { celString } from './literal.js';
import { absentOptional, optionalPath, plainPath, presentOptional, valueOr } from './path.js';
import { boundVar, renderPredicate } from './predicates.js';

/** Where checks read from: CEL text naming the Pod template and the container lists. */
export interface CheckScope {
  /** An optional chain to a path under the Pod template ({metadata, spec}; may lack either). */
  pod(path: readonly string[]): string;
  /**
   * CEL that holds when `test` (text over the container variable `c`) holds for every checked
   * container of these kinds: all of them normally, none or just the focused one when a message
   * asks which containers offend (see FocusedScope).
   */
  everyContainer(kinds: readonly ContainerKind[], test: string): string;
  /** The map at a path under the Pod template, `{}` when absent, null or not a map. */
  map(path: readonly string[]): string;
}

/** Comprehension variable for containers; item and element variables are distinct so nesting never shadows. */
export const CONTAINER_VAR = 'c';
const ITEM_VAR = 'item';
const KEY_VAR = 'k';

/**
 * What a comparison predicate answers for `null`, which reads as absent (undefined: not a plain
 * comparison). IR values are never null, so `==` and `in` are false on it and `notIn` true.
 */
function onNull(pred: Predicate): boolean | undefined {
  if (pred.op === 'equals' || pred.op === 'in') return false;
  if (pred.op === 'notIn') return true;
  if (pred.op === 'not') {
    const inner = onNull(pred.pred);
    return inner === undefined ? undefined : !inner;
  }
  return undefined;
}

/** `testValue`: an optional's value tested by the predicate, or the `absent` decision when empty. */
function testedOptional(opt: string, t: TestedPredicate, type: ValueType | undefined, value = `${opt}.value()`): string {
  // A comparison that already decides absent (and held null) values as `absent` says reads the
  // field with a default: `c.?securityContext.?allowPrivilegeEscalation.orValue(true) == false`.
  if (onNull(t.pred) === (t.absent === 'pass')) {
    const fallback = t.pred.op === 'equals' && typeof t.pred.value === 'boolean' ? String(!t.pred.value) : 'null';
    return renderPredicate(t.pred, `${opt}.orValue(${fallback})`, type);
  }
  const test = renderPredicate(t.pred, value, type);
  return t.absent === 'pass' ? or(absentOptional(opt), test) : and(presentOptional(opt), test);
}

// Field paths come from the IR field table; validated IR (parsePolicyIR) only reads a field at a level it has.
const podPath = (spec: FieldSpec): readonly string[] => fieldPath(spec, 'pod');
const containerPath = (spec: FieldSpec): readonly string[] => fieldPath(spec, 'container');

/** The per-container test of a container-scoped `field` or `each` check (text over `c`). */
function containerTest(check: Extract<Check, { kind: 'field' | 'each' }>, scope: CheckScope): string {
  const spec = fieldSpec(check.field);
  if (check.kind === 'each') return eachItem(valueOr(optionalPath(CONTAINER_VAR, containerPath(spec)), '[]'), check, spec);
  const own = optionalPath(CONTAINER_VAR, containerPath(spec));
  // Kubernetes precedence: the container's own value when set, else the pod-level one (a field with
  // no pod-level form has nothing to fall back to, as in evaluateCheck).
  const tested = testedOptional(own, check, spec.type, plainPath(own));
  if (check.scope !== 'effective' || !spec.pod) return tested;
  const pod = scope.pod(spec.pod);
  return ifThen(presentOptional(own), renderPredicate(check.pred, plainPath(own), spec.type), testedOptional(pod, check, spec.type, plainPath(pod)));
}

/** Schema types of list elements; a path inside an object element has no type in the field table. */
const ELEMENT_TYPE: Partial<Record<ValueType, ValueType>> = { 'string[]': 'string', 'integer[]': 'integer', 'object[]': 'object' };

function eachItem(items: string, check: Extract<Check, { kind: 'each' }>, spec: FieldSpec): string {
  // The item itself is always present (lists hold no nulls once the apiserver has decoded them).
  const test =
    check.path.length === 0
      ? renderPredicate(check.pred, ITEM_VAR, ELEMENT_TYPE[spec.type])
      : testedOptional(optionalPath(ITEM_VAR, check.path), check, undefined, plainPath(optionalPath(ITEM_VAR, check.path)));
  return `${items}.all(${ITEM_VAR}, ${test})`;
}

/** CEL text that is true exactly when `evaluateCheck(check, template)` is (the IR is validated: no field or scope errors here). */
export function renderCheck(check: Check, scope: CheckScope): string {
  switch (check.kind) {
    case 'all':
      return and(...check.checks.map((c) => renderCheck(c, scope)));
    case 'any':
      return or(...check.checks.map((c) => renderCheck(c, scope)));
    case 'not':
      return not(renderCheck(check.check, scope));
    case 'field': {
      if (check.scope !== 'pod') return scope.everyContainer(containerKindsOf(check), containerTest(check, scope));
      const spec = fieldSpec(check.field);
      const opt = scope.pod(podPath(spec));
      return testedOptional(opt, check, spec.type, plainPath(opt));
    }
    case 'each': {
      if (check.scope === 'container') return scope.everyContainer(containerKindsOf(check), containerTest(check, scope));
      const spec = fieldSpec(check.field);
      return eachItem(valueOr(scope.pod(podPath(spec)), '[]'), check, spec);
    }
    case 'entries': {
      const spec = fieldSpec(check.field);
      const map = scope.map(podPath(spec));
      const test = renderPredicate(check.pred, `${map}[${KEY_VAR}]`, 'string');
      const selected = check.keyPrefix === '' ? test : or(not(`${KEY_VAR}.startsWith(${celString(check.keyPrefix)})`), test);
      return `${map}.all(${KEY_VAR}, ${selected})`;
    }
    case 'items': {
      const spec = fieldSpec(check.field);
      const item = boundVar(check.as);
      if (check.scope === 'pod') return `${valueOr(scope.pod(podPath(spec)), '[]')}.all(${item}, ${renderCheck(check.check, scope)})`;
      const items = valueOr(optionalPath(CONTAINER_VAR, containerPath(spec)), '[]');
      return scope.everyContainer(containerKindsOf(check), `${items}.all(${item}, ${renderCheck(check.check, scope)})`);
    }
    case 'value': {
      if ('param' in check.of) throw new Error('a test on a parameter has no CEL form: compile the instance (bindParameters), which decides it');
      const base = boundVar(check.of.var);
      const opt = check.of.path.length ? optionalPath(base, check.of.path) : `optional.of(${base})`;
      return testedOptional(opt, check, undefined);
    }
    case 'some':
      throw new Error('some(...) over a parameter has no CEL form: compile the instance (bindParameters), which expands it');
    case 'const':
      return check.holds ? 'true' : 'false';
    case 'containerAnnotation': {
      const annotations = scope.map(['metadata', 'annotations']);
      const name = `${CONTAINER_VAR}.?name`;
      const value = `(type(${name}.orValue(null)) == string ? ${annotations}[?${celString(check.keyPrefix)} + ${CONTAINER_VAR}.name] : optional.none())`;
      return scope.everyContainer(containerKindsOf(check), testedOptional(value, check, 'string'));
    }
  }
}
