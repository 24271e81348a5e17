import type { Check, ContainerKind, MessagePart, Ref, Scalar, Scope } from '@podsec/ir';
import type { ContainerFields, ContainerItemLists, InheritedFields, PodFields, PodItemLists } from './field-types.js';
import { is, type Pred } from './predicates.js';
import { withBinding, type OrRef, type RefHolder } from './refs.js';

type Absent = 'pass' | 'fail';
type Elem<T> = T extends readonly (infer E)[] ? E : never;
type Target =
  | { kind: 'field'; field: string; scope: Scope; containers?: ContainerKind[] }
  | { kind: 'each'; field: string; scope: 'pod' | 'container'; containers?: ContainerKind[]; path: string[] }
  | { kind: 'value'; of: Ref }
  | { kind: 'containerAnnotation'; keyPrefix: string; containers?: ContainerKind[] };

/**
 * A reference to a value (a field at some scope, or a value inside each item of a list) with
 * the predicate methods. `optional` / `required` fix what a missing value means; without them
 * each predicate uses its natural default (see `is`).
 */
export class ValueRef<T> {
  constructor(
    protected readonly target: Target,
    private readonly absentOverride?: Absent,
  ) {}

  /** Missing values pass: only values that are set are constrained. */
  get optional(): ValueRef<T> {
    return new ValueRef<T>(this.target, 'pass');
  }
  /** Missing values fail: the field must be set and satisfy the predicate. */
  get required(): ValueRef<T> {
    return new ValueRef<T>(this.target, 'fail');
  }

  is(p: Pred<T>): Check {
    return { ...this.target, pred: p.ir, absent: this.absentOverride ?? p.absent } as Check;
  }
  equals(value: T & Scalar): Check {
    return this.is(is.equals(value) as Pred<T>);
  }
  /** Equal to a referenced value: a parameter, or another list's item (`mount.get('name').equalsRef(volume.get('name'))`). */
  equalsRef(ref: RefHolder<T & Scalar>): Check {
    return this.is(is.equals(ref) as Pred<T>);
  }
  oneOf(values: readonly (T & Scalar)[] | RefHolder<(T & Scalar)[]>): Check {
    return this.is(is.oneOf(values) as Pred<T>);
  }
  notOneOf(values: readonly (T & Scalar)[] | RefHolder<(T & Scalar)[]>): Check {
    return this.is(is.notOneOf(values) as Pred<T>);
  }
  between(this: ValueRef<number>, min: OrRef<number>, max: OrRef<number>): Check {
    return this.is(is.between(min, max));
  }
  atLeast(this: ValueRef<number>, min: OrRef<number>): Check {
    return this.is(is.atLeast(min));
  }
  atMost(this: ValueRef<number>, max: OrRef<number>): Check {
    return this.is(is.atMost(max));
  }
  present(): Check {
    return this.is(is.present<T>());
  }
  absent(): Check {
    return this.is(is.absent<T>());
  }
  startsWith(this: ValueRef<string>, prefix: OrRef<string>): Check {
    return this.is(is.startsWith(prefix));
  }
  /** Equal to `pattern`, or starting with it when it ends with `*` (gatekeeper-library `exemptImages` style). */
  wildcard(this: ValueRef<string>, pattern: OrRef<string>): Check {
    return this.is(is.wildcard(pattern));
  }
  /** A path under `prefix`, segment-wise (PodSecurityPolicy allowedHostPaths). */
  pathUnder(this: ValueRef<string>, prefix: OrRef<string>): Check {
    return this.is(is.pathUnder(prefix));
  }
  glob(this: ValueRef<string>, pattern: string): Check {
    return this.is(is.glob(pattern));
  }
  subsetOf(values: readonly Elem<T>[] | RefHolder<Elem<T>[]>, normalize?: 'exact' | 'capability'): Check {
    return this.is(is.subsetOf(values as readonly Scalar[], normalize) as unknown as Pred<T>);
  }
  includesAll(values: readonly Elem<T>[] | RefHolder<Elem<T>[]>): Check {
    return this.is(is.includesAll(values as readonly Scalar[]) as unknown as Pred<T>);
  }
  includesNone(values: readonly Elem<T>[] | RefHolder<Elem<T>[]>, normalize?: 'exact' | 'capability'): Check {
    return this.is(is.includesNone(values as readonly Scalar[], normalize) as unknown as Pred<T>);
  }
  /**
   * This value as a piece of a containerMessage (see `perContainer`): a pod or container field,
   * or a container's legacy annotation. Other references (each item, effective, parameters) name
   * no single value per container.
   */
  messagePart(): MessagePart {
    const t = this.target;
    if (t.kind === 'field' && (t.scope === 'pod' || t.scope === 'container')) return { kind: 'field', field: t.field, scope: t.scope };
    if (t.kind === 'containerAnnotation') return { kind: 'containerAnnotation', keyPrefix: t.keyPrefix };
    const what = t.kind === 'field' ? `an ${t.scope} field` : t.kind === 'each' ? 'a value inside list items' : 'a parameter or bound value';
    throw new TypeError(`perContainer\`…\` cannot name ${what}: use pod('…'), container('…'), containerAnnotation('…'), podAnnotation('…') or containerName`);
  }
}

type Key<T> = keyof NonNullable<T> & string;
type At<T, K extends Key<T>> = NonNullable<NonNullable<T>[K]>;

/**
 * A referenced value: a parameter (from `parameters({...})`), an element a `some` binds, or a
 * list item a `forEach` binds. It is tested like a field (`p.hostNetwork.equals(true)`) and
 * passed to predicates in place of a literal (`effective('runAsUser').atLeast(range.get('min'))`).
 */
export class Operand<T> extends ValueRef<T> implements RefHolder<T> {
  readonly ref: Ref;
  constructor(ref: Ref) {
    super({ kind: 'value', of: ref });
    this.ref = ref;
  }
  /** The value under `key` of an object value: `p.runAsUser.get('rule')`, `volume.get('hostPath').get('path')`. */
  get<K extends Key<T>>(key: K): Operand<At<T, K>> {
    const ref: Ref = 'param' in this.ref ? { param: [...this.ref.param, key] } : { var: this.ref.var, path: [...this.ref.path, key] };
    return new Operand(ref);
  }
  /**
   * A string-list parameter's entries that start with `prefix`, with `prefix` removed:
   * `p.allowedProfiles.withPrefix('localhost/')` is the files named by `localhost/<file>` entries.
   */
  withPrefix(this: Operand<readonly string[] | undefined>, prefix: string): Operand<string[]> {
    if (!('param' in this.ref) || this.ref.prefix !== undefined)
      throw new Error(`withPrefix(${JSON.stringify(prefix)}) applies to a parameter list itself, not to ${JSON.stringify(this.ref)}`);
    return new Operand<string[]>({ param: [...this.ref.param], prefix });
  }
  /** Some element of this list passes `body` (an empty or unset list: none does). */
  some(this: Operand<readonly unknown[] | undefined>, body: (element: Operand<ElemOf<T>>) => Check): Check {
    const list = this.ref;
    return withBinding('e', (as) => ({ kind: 'some', in: list, as, check: body(new Operand({ var: as, path: [] })) }));
  }
}

type ElemOf<T> = NonNullable<T> extends readonly (infer E)[] ? E : never;

/** A predicate: some element of the referenced list makes `body(element)` hold (ranges, allowed option sets). */
export function someOf<L, V>(list: RefHolder<L>, body: (element: Operand<ElemOf<L>>) => Pred<V>): Pred<V> {
  return withBinding('e', (as) => {
    const inner = body(new Operand<ElemOf<L>>({ var: as, path: [] }));
    return { ir: { op: 'some', in: list.ref, as, pred: inner.ir }, absent: 'fail' };
  });
}

export interface ContainerScopeOptions {
  /** Container kinds to check; all three (containers, initContainers, ephemeralContainers) by default. */
  kinds?: ContainerKind[];
}

const withKinds = (o?: ContainerScopeOptions) => (o?.kinds ? { containers: [...o.kinds] } : {});

/** The pod-level value of a field. */
export function pod<K extends keyof PodFields>(field: K): ValueRef<PodFields[K]> {
  return new ValueRef({ kind: 'field', field, scope: 'pod' });
}

/** Each container's own value (the pod-level value is ignored). Holds when every container passes. */
export function container<K extends keyof ContainerFields>(field: K, options?: ContainerScopeOptions): ValueRef<ContainerFields[K]> {
  return new ValueRef({ kind: 'field', field, scope: 'container', ...withKinds(options) });
}

/** Each container's value if set, else the pod's: the value Kubernetes actually applies. */
export function effective<K extends keyof InheritedFields>(field: K, options?: ContainerScopeOptions): ValueRef<InheritedFields[K]> {
  return new ValueRef({ kind: 'field', field, scope: 'effective', ...withKinds(options) });
}

/** The keys a path may step into: an object's, none for scalars and lists. */
type Obj<T> = NonNullable<T> extends readonly unknown[] ? Record<never, never> : NonNullable<T> extends object ? NonNullable<T> : Record<never, never>;

/**
 * A path into a list item, one key per step: `where('hostPath')`, `where('hostPath', 'path')`.
 * Each key is checked against the item type, so `where('hostPth')` does not compile; the same
 * keys are checked again at definition time for authors without types.
 */
export interface ItemPath<I> {
  <K1 extends keyof I & string>(k1: K1): ValueRef<NonNullable<I[K1]>>;
  <K1 extends keyof I & string, K2 extends keyof Obj<I[K1]> & string>(k1: K1, k2: K2): ValueRef<NonNullable<Obj<I[K1]>[K2]>>;
}

function items<I>(field: string, scope: 'pod' | 'container', options?: ContainerScopeOptions) {
  // Key order is the IR's (kind, field, scope, path, containers): IR files are compared byte for byte.
  const at = (path: string[]) => new ValueRef<never>({ kind: 'each', field, scope, path, ...withKinds(options) });
  return {
    /** A value inside each item. */
    where: ((...path: string[]) => at(path)) as ItemPath<I>,
    /** Each item itself. */
    each: () => at([]) as unknown as ValueRef<I>,
    /**
     * Every item passes `body(item)`; read the item with `item.get('hostPath').get('path')` and
     * relate it to other lists (`containerItems('volumeMounts').forEach((m) => ...)` inside).
     */
    forEach: (body: (item: Operand<I>) => Check): Check =>
      withBinding(scope === 'pod' ? 'item' : 'citem', (as) => ({
        kind: 'items',
        field,
        scope,
        ...withKinds(options),
        as,
        check: body(new Operand<I>({ var: as, path: [] })),
      })),
  };
}

/** Items of a pod-level object list (volumes, sysctls). */
export function podItems<K extends keyof PodItemLists>(field: K) {
  return items<PodItemLists[K]>(field, 'pod');
}

/** Items of a container-level object list (ports), in every container. */
export function containerItems<K extends keyof ContainerItemLists>(field: K, options?: ContainerScopeOptions) {
  return items<ContainerItemLists[K]>(field, 'container', options);
}

/**
 * Each container's legacy per-container annotation: the pod annotation `keyPrefix + <container
 * name>` (`container.apparmor.security.beta.kubernetes.io/`, `container.seccomp.security.alpha.kubernetes.io/`).
 */
export function containerAnnotation(keyPrefix: string, options?: ContainerScopeOptions): ValueRef<string> {
  return new ValueRef({ kind: 'containerAnnotation', keyPrefix, ...withKinds(options) });
}

/** Pod annotations whose key starts with `keyPrefix`: every such value must satisfy `p`. */
export function annotations(keyPrefix: string) {
  return { every: (p: Pred<string>): Check => ({ kind: 'entries', field: 'annotations', keyPrefix, pred: p.ir }) };
}

export const all = (...checks: Check[]): Check => ({ kind: 'all', checks });
export const any = (...checks: Check[]): Check => ({ kind: 'any', checks });
export const not = (check: Check): Check => ({ kind: 'not', check });
