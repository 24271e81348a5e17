// Which built-ins the compiler accepts, and where each runs: `native` inside the Wasm runtime
// (assembly/builtins.ts, sprintf in assembly/sprintf.ts, regex.match and glob.match in
// assembly/regex.ts), `host` through opa_builtinN with the JS implementations in
// src/host-builtins.ts. Every built-in is native today, so built modules need no host functions,
// as `opa build -t wasm` output; anything not listed is reported as unsupported.

export interface BuiltinSpec {
  where: 'native' | 'host';
  arity: number;
}

const native = (arity: number): BuiltinSpec => ({ where: 'native', arity });

export const BUILTINS: Record<string, BuiltinSpec> = {
  equal: native(2),
  neq: native(2),
  lt: native(2),
  lte: native(2),
  gt: native(2),
  gte: native(2),
  plus: native(2),
  minus: native(2),
  mul: native(2),
  div: native(2),
  rem: native(2),
  and: native(2),
  or: native(2),
  count: native(1),
  concat: native(2),
  startswith: native(2),
  endswith: native(2),
  contains: native(2),
  lower: native(1),
  upper: native(1),
  split: native(2),
  trim: native(2),
  trim_left: native(2),
  trim_right: native(2),
  trim_prefix: native(2),
  trim_suffix: native(2),
  trim_space: native(1),
  replace: native(3),
  'object.get': native(3),
  'object.keys': native(1),
  'array.concat': native(2),
  union: native(1),
  intersection: native(1),
  is_string: native(1),
  is_number: native(1),
  is_boolean: native(1),
  is_array: native(1),
  is_object: native(1),
  is_set: native(1),
  is_null: native(1),
  type_name: native(1),
  any: native(1),
  all: native(1),
  to_number: native(1),
  min: native(1),
  max: native(1),
  sum: native(1),
  product: native(1),
  sort: native(1),
  'internal.member_2': native(2),
  'internal.member_3': native(3),
  abs: native(1),
  indexof: native(2),
  substring: native(3),
  'strings.any_prefix_match': native(2),
  'strings.any_suffix_match': native(2),
  'object.remove': native(2),
  'array.slice': native(3),
  'numbers.range': native(2),
  sprintf: native(2),
  'regex.match': native(2),
  'glob.match': native(3),
  'object.union': native(2),
  trace: native(1),
};

/** Rego's `set()` is the only way to write an empty set literal. */
export const EMPTY_SET_CALL = 'set';
