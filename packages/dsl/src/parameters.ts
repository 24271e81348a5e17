/**
 * Typed policy parameters. `param.*` declares a parameter's type (a JSON-schema subset, from
 * which the Gatekeeper template's openAPIV3Schema is derived); `parameters({...})` turns the
 * declarations into references the checks use, e.g. `p.allowedHostPaths.some((a) => ...)`.
 */
import type { ParamSchema } from '@podsec/ir';
import { Operand } from './checks.js';

/** A parameter's declaration; `T` is the type of its value. */
export interface ParamDecl<T> {
  readonly schema: ParamSchema;
  /** Phantom: never set; carries T for the type checker. */
  readonly __value?: T;
}

type DeclType<D> = D extends ParamDecl<infer T> ? T : never;
interface Opts<T> {
  description?: string;
  /** Used when an instance leaves the parameter unset (top-level parameters only). */
  default?: T;
}

const decl = <T>(schema: ParamSchema): ParamDecl<T> => ({ schema });
const withOpts = <T>(o: Opts<T> | undefined) => ({
  ...(o?.description !== undefined ? { description: o.description } : {}),
  ...(o?.default !== undefined ? { default: o.default } : {}),
});

export const param = {
  boolean: (o?: Opts<boolean>) => decl<boolean>({ type: 'boolean', ...withOpts(o) } as ParamSchema),
  integer: (o?: Opts<number>) => decl<number>({ type: 'integer', ...withOpts(o) } as ParamSchema),
  string: (o?: Opts<string>) => decl<string>({ type: 'string', ...withOpts(o) } as ParamSchema),
  /** A string restricted to `values` (e.g. a rule name: MustRunAs, MayRunAs, RunAsAny). */
  enum: <const E extends string>(values: readonly E[], o?: Opts<E>) => decl<E>({ type: 'string', enum: [...values], ...withOpts(o) } as ParamSchema),
  array: <T>(items: ParamDecl<T>, o?: Opts<T[]>) => decl<T[]>({ type: 'array', items: items.schema, ...withOpts(o) } as ParamSchema),
  object: <S extends Record<string, ParamDecl<unknown>>>(properties: S, o?: Opts<{ [K in keyof S]?: DeclType<S[K]> }>) =>
    decl<{ [K in keyof S]?: DeclType<S[K]> }>({
      type: 'object',
      properties: Object.fromEntries(Object.entries(properties).map(([k, d]) => [k, d.schema])),
      ...withOpts(o),
    } as ParamSchema),
};

const DECLS = Symbol.for('podsec.parameters');

/** The declared parameters as references, keyed by name; pass the object to definePolicy's `parameters`. */
export type Parameters<S extends Record<string, ParamDecl<unknown>>> = { readonly [K in keyof S]: Operand<DeclType<S[K]>> } & {
  readonly [DECLS]: Record<string, ParamSchema>;
};

export function parameters<const S extends Record<string, ParamDecl<unknown>>>(decls: S): Parameters<S> {
  const refs = Object.fromEntries(Object.keys(decls).map((name) => [name, new Operand({ param: [name] })]));
  const schemas = Object.fromEntries(Object.entries(decls).map(([k, d]) => [k, d.schema]));
  return Object.freeze({ ...refs, [DECLS]: schemas }) as unknown as Parameters<S>;
}

/** The declarations behind a `parameters({...})` object (definePolicy reads them). */
export function parameterSchemas(p: object): Record<string, ParamSchema> | undefined {
  return (p as { [DECLS]?: Record<string, ParamSchema> })[DECLS];
}
