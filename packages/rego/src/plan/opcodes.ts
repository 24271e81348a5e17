// Plan encoding shared with the AssemblyScript evaluator (assembly/eval.ts declares the same
// numbers). A plan is JSON: [rules, entrypointNames, entrypointRuleIndexes, nativeBuiltins, hostBuiltins].

export const S = {
  EXPR: 0,
  MATCH: 1,
  SCAN: 2,
  NOT: 3,
  EVERY: 4,
  WITH: 5,
  /**
   * A gathering scan (compile/gather.ts): [GATHER, collection, keys, keyPattern, valuePattern],
   * `some k in keys; l := collection[k]; is_array(l); some v in l` without binding `l`.
   */
  GATHER: 6,
} as const;

/** What a `with` modifier replaces: the input document or a path below data. */
export const WITH_TARGET = { input: 0, data: 1 } as const;

export const T = {
  CONST: 0,
  VAR: 1,
  REF: 2,
  RULE: 3,
  CALL: 4,
  FUNC: 5,
  ARRAY: 6,
  OBJECT: 7,
  SET: 8,
  COMPR: 9,
  INPUT: 10,
  DATA: 11,
  HOST: 12,
  /** A reader call, inlined (compile/inline.ts): [REFOR, base, fallback, ...constant keys]. */
  REFOR: 13,
  /**
   * A fallback reader call, inlined (compile/inline.ts): [DEFAULTED, read, fallback], the value of
   * `read` when it is defined and not null, else the value of `fallback`.
   */
  DEFAULTED: 14,
  /**
   * A gatherer call, inlined (compile/gather.ts): [GATHER, collection, keys], the members of every
   * array found at one of `keys` in `collection`, in the order of the keys.
   */
  GATHER: 15,
  /**
   * A checked reader call, inlined (compile/inline.ts): [CHECKED, read, fallback, [CONST, native]],
   * the value of `read` when it is defined and the one-argument type test `native` (an index in
   * the native table) holds for it, else the value of `fallback`.
   */
  CHECKED: 16,
} as const;

export const RULE_KIND = { complete: 0, set: 1, object: 2, function: 3 } as const;
export type RuleKind = keyof typeof RULE_KIND;

/** A plan node is a JSON array headed by its opcode; `null` marks an absent optional part. */
export type PlanNode = unknown[];
