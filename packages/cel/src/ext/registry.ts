import type { Environment } from '@marcbachmann/cel-js';

/** One function overload registered on the CEL environment. */
export interface CelFunctionSpec {
  /** Signature in the library's notation, e.g. `string.replace(string, string): string`. */
  signature: string;
  handler: (...args: never[]) => unknown;
  /** The upstream library the function mirrors, for docs and diagnostics. */
  library: string;
}

/** A namespace object such as `sets` in `sets.contains(a, b)`: a constant of its own type. */
export interface CelNamespaceSpec {
  name: string;
  typeName: string;
}

export interface CelExtension {
  name: string;
  namespaces?: CelNamespaceSpec[];
  /** Object types the functions return, e.g. `Quantity`. */
  types?: { name: string; ctor: new (...args: never[]) => object }[];
  functions: CelFunctionSpec[];
  /** Operator overloads, e.g. `net.IP == net.IP` (cel-go types compare through their own `Equal`). */
  operators?: { signature: string; handler: (left: never, right: never) => unknown }[];
}

export function registerExtension(env: Environment, ext: CelExtension): void {
  for (const ns of ext.namespaces ?? []) {
    // A distinct class per namespace keeps overload resolution on `sets.x(...)` unambiguous.
    const Namespace = class {};
    Object.defineProperty(Namespace, 'name', { value: ns.typeName });
    env.registerType(ns.typeName, Namespace);
    env.registerConstant(ns.name, ns.typeName, new Namespace());
  }
  for (const t of ext.types ?? []) env.registerType(t.name, t.ctor as new (...args: unknown[]) => object);
  for (const fn of ext.functions) {
    env.registerFunction(fn.signature, fn.handler as (...args: unknown[]) => unknown, { description: fn.library });
  }
  for (const op of ext.operators ?? []) env.registerOperator(op.signature, op.handler as (l: unknown, r: unknown) => unknown);
}
