/**
 * The cel-spec conformance tests (Kubernetes-enabled suites) that podsec's CEL environment fails, each with
 * the reason. `cel-spec.test.ts` asserts that exactly these fail, so a regression and a newly passing test are
 * both noticed; CONFORMANCE.md is generated from this table.
 */
export interface FailureReason {
  reason: string;
  /** Could change an admission decision on realistic Kubernetes objects. */
  admission: boolean;
  tests: readonly string[];
}

export const KNOWN_FAILURES: Readonly<Record<string, FailureReason>> = {
  'bytes-literal-utf8': {
    reason: "Non-ASCII characters in bytes literals (`b'ÿ'`) become one Latin-1 byte instead of their UTF-8 encoding (library lexer).",
    admission: false,
    tests: ['basic/self_eval_nonzeroish/self_eval_bytes_escape', 'comparisons/eq_literal/eq_bytes', 'comparisons/ne_literal/not_ne_bytes'],
  },
  'unbound-at-runtime': {
    reason:
      "An undeclared variable or function is a check error here; cel-go's unchecked evaluation makes it a runtime error that `|| true` absorbs. Kubernetes always type-checks, so it rejects these expressions too.",
    admission: false,
    tests: [
      'basic/variables/unbound_is_runtime_error',
      'basic/functions/unbound_is_runtime_error',
      'parse/receiver_function_names/as',
      'parse/receiver_function_names/break',
      'parse/receiver_function_names/const',
      'parse/receiver_function_names/continue',
      'parse/receiver_function_names/else',
      'parse/receiver_function_names/for',
      'parse/receiver_function_names/function',
      'parse/receiver_function_names/if',
      'parse/receiver_function_names/import',
      'parse/receiver_function_names/let',
      'parse/receiver_function_names/loop',
      'parse/receiver_function_names/package',
      'parse/receiver_function_names/namespace',
      'parse/receiver_function_names/return',
      'parse/receiver_function_names/var',
      'parse/receiver_function_names/void',
      'parse/receiver_function_names/while',
    ],
  },
  'static-equality': {
    reason:
      "`1.0 == 1`, `2u != 2`, `[1] == [1.0]`, `['one'] == [2, 3]` with static types: the library's checker rejects equality between different static types (cel-go's checker does as well; the tests disable checking). Through `dyn`, as JSON data always is, mixed numeric equality works.",
    admission: false,
    tests: [
      'comparisons/eq_literal/not_eq_list_length',
      'comparisons/eq_literal/eq_mixed_types',
      'comparisons/eq_literal/eq_list_elem_mixed_types',
      'comparisons/ne_literal/ne_mixed_types',
    ],
  },
  'int-double-precision': {
    reason: '`dyn(int) < double` near 2^63 compares after converting the int to a double, losing precision (library comparison operators).',
    admission: false,
    tests: [
      'comparisons/lt_literal/not_lt_dyn_int_big_lossy_double',
      'comparisons/gt_literal/not_gt_dyn_big_double_int',
      'comparisons/lte_literal/lte_dyn_big_double_int',
      'comparisons/gte_literal/gte_dyn_int_big_lossy_double',
    ],
  },
  'leading-dot-double': {
    reason: 'A double literal with no integer part (`.99`) does not parse (library lexer).',
    admission: false,
    tests: ['comparisons/gt_literal/not_gt_double'],
  },
  'int-range': {
    reason: 'int64/uint64 overflow is not detected for `int(double)` out of range and for negating/dividing INT64_MIN (library arithmetic on BigInt).',
    admission: false,
    tests: [
      'conversions/int/double_int_max_range',
      'conversions/int/double_int_min_range',
      'conversions/int/double_range',
      'conversions/uint/double_uint_max_range',
      'integer_math/int64_math/int64_min_negate',
      'integer_math/int64_math/int64_min_negate_div',
    ],
  },
  'invalid-utf8': {
    reason: '`string(bytes)` does not reject invalid UTF-8; it substitutes U+FFFD.',
    admission: false,
    tests: ['conversions/string/bytes_invalid'],
  },
  'null-type-name': {
    reason: 'The type of `null` is named `null` instead of `null_type`.',
    admission: false,
    tests: ['conversions/type/null_type', 'conversions/type/null_type_denotation'],
  },
  'quoted-fields': {
    reason: "Backtick-quoted field names (`` x.`content-type` ``, cel-spec 0.24) do not parse; use `x['content-type']`.",
    admission: false,
    tests: [
      'fields/quoted_map_fields/field_access_slash',
      'fields/quoted_map_fields/field_access_dash',
      'fields/quoted_map_fields/field_access_dot',
      'fields/quoted_map_fields/has_field_slash',
      'fields/quoted_map_fields/has_field_dash',
      'fields/quoted_map_fields/has_field_dot',
    ],
  },
  'qualified-identifiers': {
    reason: 'Variables with dotted names (`a.b.c` declared as one identifier) are not resolved; Kubernetes declares no such variables.',
    admission: false,
    tests: [
      'fields/qualified_identifier_resolution/qualified_ident',
      'fields/qualified_identifier_resolution/map_field_select',
      'fields/qualified_identifier_resolution/qualified_identifier_resolution_unchecked',
      'fields/qualified_identifier_resolution/ident_with_longest_prefix_check',
    ],
  },
  'map-key-validation': {
    reason: 'Map literals with double or null keys, or repeated keys, are accepted instead of raising an error.',
    admission: false,
    tests: [
      'fields/qualified_identifier_resolution/map_key_float',
      'fields/qualified_identifier_resolution/map_key_null',
      'fields/qualified_identifier_resolution/map_value_repeat_key',
      'fields/qualified_identifier_resolution/map_value_repeat_key_heterogeneous',
    ],
  },
  'uint-index': {
    reason: 'A list cannot be indexed with a `uint`.',
    admission: false,
    tests: ['lists/index/zero_based_uint'],
  },
  'static-logic-types': {
    reason:
      "`&&`/`||`/`?:` with non-bool or mixed-type operands are check errors in the library even where cel-go's unchecked evaluation short-circuits; Kubernetes type-checks and rejects them as well.",
    admission: false,
    tests: [
      'logic/conditional/mixed_type',
      'logic/AND/short_circuit_type_left',
      'logic/AND/short_circuit_type_right',
      'logic/OR/short_circuit_type_left',
      'logic/OR/short_circuit_type_right',
    ],
  },
  'typed-map-keys': {
    reason:
      "Map literals with int keys become string-keyed JavaScript objects, so a comprehension over the map sees string keys (`{6: 'six'}.exists_one(k, k % 5 == 2)`). JSON objects, which admission data is made of, only have string keys.",
    admission: false,
    tests: ['macros/exists_one/map_one', 'macros2/existsOne/map_one'],
  },
  'optional-field-errors': {
    reason: "Selecting a field of a present optional's non-map value (`{'k': dyn(null)}.?k.invalid`) gives none instead of an error.",
    admission: true,
    tests: ['optionals/optionals/map_null_entry_no_such_key', 'optionals/optionals/map_present_key_invalid_field'],
  },
  'optional-type': {
    reason: '`type(optional.none())` / `optional_type` are not supported.',
    admission: false,
    tests: ['optionals/optionals/type'],
  },
  'has-on-optional': {
    reason:
      "`has()` on a field of an optional value (`has(optional.of(m).c)`) or through a map value that is an optional does not follow cel-go's optional semantics.",
    admission: true,
    tests: ['optionals/optionals/optional_chaining_9', 'optionals/optionals/map_optional_select_has'],
  },
  'raw-bytes-literals': {
    reason: 'Raw bytes literals (`br\'…\'`, `bR"…"`) do not parse (library lexer).',
    admission: false,
    tests: [
      'parse/bytes_literals/raw_single_quoted_escapes',
      'parse/bytes_literals/raw_double_quoted_escapes',
      'parse/bytes_literals/raw_triple_single_quoted_escapes',
      'parse/bytes_literals/raw_triple_double_quoted_escapes',
      'parse/bytes_literals/upper_raw_single_quoted_escapes',
      'parse/bytes_literals/upper_raw_double_quoted_escapes',
      'parse/bytes_literals/upper_raw_triple_single_quoted_escapes',
      'parse/bytes_literals/upper_raw_triple_double_quoted_escapes',
    ],
  },
  'go-float-rounding': {
    reason: '`%.0f` of an exact halfway value rounds half away from zero (JavaScript `toFixed`) instead of half to even (Go).',
    admission: false,
    tests: ['string_ext/format/format_%f_halfway_truncate_to_nearest_even'],
  },
  'timestamp-precision': {
    reason: 'Timestamps are JavaScript `Date`s: millisecond precision, so nanosecond fractions are truncated.',
    admission: true,
    tests: [
      'timestamps/timestamp_conversions/toString_timestamp_nanos',
      'timestamps/timestamp_arithmetic/add_time_to_duration_nanos_positive',
      'timestamps/duration_converters/get_milliseconds',
    ],
  },
  'numeric-timezones': {
    reason: "Numeric UTC offsets as time zones (`getHours('+11:00')`) are rejected; IANA names (`'America/New_York'`) work.",
    admission: false,
    tests: [
      'timestamps/timestamp_selectors_tz/getDayOfMonth_numerical_pos',
      'timestamps/timestamp_selectors_tz/getDayOfMonth_numerical_neg',
      'timestamps/timestamp_selectors_tz/getFullYear',
      'timestamps/timestamp_selectors_tz/getHours',
      'timestamps/timestamp_selectors_tz/getSeconds',
    ],
  },
  'duration-plus-timestamp': {
    reason: '`duration + timestamp` (operands in that order) compared with `==` fails to type-check.',
    admission: false,
    tests: ['timestamps/timestamp_arithmetic/add_time_to_duration'],
  },
  'time-ranges': {
    reason: 'Timestamps outside years 1–9999 and durations beyond ±10,000 years are not range errors.',
    admission: true,
    tests: [
      'timestamps/timestamp_range/add_duration_under',
      'timestamps/timestamp_range/add_duration_over',
      'timestamps/timestamp_range/add_duration_nanos_over',
      'timestamps/timestamp_range/add_duration_nanos_under',
      'timestamps/timestamp_range/sub_time_duration_over',
      'timestamps/timestamp_range/sub_time_duration_under',
      'timestamps/duration_range/from_string_under',
      'timestamps/duration_range/from_string_over',
      'timestamps/duration_range/add_under',
      'timestamps/duration_range/add_over',
      'timestamps/duration_range/sub_under',
      'timestamps/duration_range/sub_over',
    ],
  },
};
