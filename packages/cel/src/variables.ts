import type { CelActivation, CelResult } from './compile.js';

/**
 * The `variables` map of one evaluation, evaluated lazily: each variable on first read, memoised, its error
 * raised only where it is read (k8s.io/apiserver/pkg/cel/lazy), so an unused failing variable fails nothing.
 *
 * It is a Proxy over one small object rather than a plain object with a getter per variable: defining accessor
 * properties on a fresh object for every evaluation (several per policy, on every request) cost more than
 * evaluating the policy's expressions. To the CEL library it is a plain map: own enumerable string keys (read
 * through `hasOwn` then `[]`), constructor `Object`. Listing or testing a key (`hasOwn`, keys) does not evaluate
 * it; reading it does (the library's `in` and has() read the value, as they did with getters).
 */
export interface VariableSlots {
  /** Declaration order; a name's index is its slot. */
  readonly names: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** Evaluates slot `i` on `activation` (whose `variables` is this map). */
  evaluate(i: number, activation: CelActivation): CelResult;
  /** Turns an error result back into the exception the library treats as a CEL error. */
  raise(r: CelResult & { ok: false }): never;
}

class Scope {
  readonly results: (CelResult | undefined)[] = [];
  /** Accessor descriptors handed out for `hasOwn` and key listing, made once per key per evaluation. */
  readonly descriptors: (PropertyDescriptor | undefined)[] = [];
  constructor(
    readonly slots: VariableSlots,
    readonly activation: CelActivation,
  ) {}

  read(i: number): unknown {
    let r = this.results[i];
    if (r === undefined) this.results[i] = r = this.slots.evaluate(i, this.activation);
    return r.ok ? r.value : this.slots.raise(r);
  }

  descriptor(i: number): PropertyDescriptor {
    let d = this.descriptors[i];
    if (d === undefined) this.descriptors[i] = d = { get: () => this.read(i), enumerable: true, configurable: true };
    return d;
  }
}

const slotOf = (scope: Scope, key: string | symbol): number | undefined => (typeof key === 'string' ? scope.slots.index.get(key) : undefined);

const LAZY_MAP: ProxyHandler<Scope> = {
  get(scope, key) {
    if (key === 'constructor') return Object;
    const i = slotOf(scope, key);
    return i === undefined ? undefined : scope.read(i);
  },
  has: (scope, key) => slotOf(scope, key) !== undefined,
  getOwnPropertyDescriptor(scope, key) {
    const i = slotOf(scope, key);
    return i === undefined ? undefined : scope.descriptor(i);
  },
  ownKeys: (scope) => [...scope.slots.names],
  getPrototypeOf: () => Object.prototype,
  // CEL never writes to its inputs; refuse rather than write to the hidden scope.
  set: () => false,
  defineProperty: () => false,
  deleteProperty: () => false,
};

/** Binds `activation.variables` to a lazily evaluated map of `slots`. */
export function bindLazyVariables(slots: VariableSlots, activation: CelActivation): void {
  activation.variables = new Proxy(new Scope(slots, activation), LAZY_MAP) as unknown as Record<string, unknown>;
}
