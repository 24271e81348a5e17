/**
 * Runs the official cel-spec conformance suites (as shipped in `@bufbuild/cel-spec`, cel-spec v0.25.1) against
 * podsec's CEL environment: the same environment, extensions and parse path the VAP and ValidatingPolicy engines
 * use, plus the variables each test declares.
 *
 * The data is the serialized `SimpleTest` JSON (protobuf JSON mapping), read without protobuf runtime: values are
 * `{int64Value: "1"}`, `{listValue: {values: […]}}`, `{objectValue: {"@type": …}}` and so on.
 *
 * Tests that need protobuf messages (TestAllTypes, wrappers, Any, Struct, enums, proto containers) are not run:
 * Kubernetes' CEL environment has no protobuf message types. They are counted as `protobuf`, never dropped.
 *
 * Judging, as cel-go's conformance runner does:
 *  - `value`: the result must be that value, with its CEL type (1 is not 1u is not 1.0; NaN matches NaN);
 *  - `evalError`: evaluation must fail. The library type-checks before it evaluates and reports some runtime
 *    errors of cel-go (no such overload on dyn values) at check time; either counts as the expected error. A
 *    parse error never does;
 *  - neither: the expression must evaluate to `true`.
 */
import { Environment, evaluate, Optional } from '@marcbachmann/cel-js';
import { tests as conformance } from '@bufbuild/cel-spec/testdata/conformance.js';
import { celEnvironment } from '../../src/env.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

interface SerializedTest {
  original: JsonObject & { name?: string; expr: string };
}
interface SerializedSuite {
  name: string;
  suites?: SerializedSuite[];
  tests?: SerializedTest[];
}

/** The suites Kubernetes' CEL environment enables (k8s.io/apiserver/pkg/cel/environment base + extensions). */
export const KUBERNETES_SUITES = [
  'basic',
  'comparisons',
  'conversions',
  'fields',
  'fp_math',
  'integer_math',
  'lists',
  'logic',
  'macros',
  'macros2',
  'optionals',
  'parse',
  'plumbing',
  'string',
  'string_ext',
  'math_ext',
  'encoders_ext',
  'timestamps',
] as const;

export type Outcome = 'pass' | 'fail' | 'protobuf';

export interface TestResult {
  /** `suite/section/test`, unique across the data. */
  id: string;
  suite: string;
  expr: string;
  outcome: Outcome;
  /** For failures: what happened instead. */
  detail?: string;
}

/** Message types of the conformance protos and the protobuf well-known types other than Timestamp/Duration. */
const PROTOBUF_NAMES =
  /\b(TestAllTypes|NestedTestAllTypes|NestedMessage|NestedEnum|GlobalEnum|TestRequired\w*|google\.protobuf\.(?!Timestamp\b|Duration\b)\w+|cel\.expr\.conformance\.\w+)/;
const WELL_KNOWN_OBJECTS = new Set(['type.googleapis.com/google.protobuf.Duration', 'type.googleapis.com/google.protobuf.Timestamp']);

/** Why a test needs protobuf messages, or undefined. */
export function protobufReason(o: JsonObject & { expr: string }): string | undefined {
  if (typeof o.container === 'string' && o.container !== '') return `container ${o.container}`;
  if (PROTOBUF_NAMES.test(o.expr)) return 'expression uses protobuf message types';
  const found = findProtobufValue([o.value ?? null, o.bindings ?? null, o.typeEnv ?? null]);
  return found ? `value or declaration of ${found}` : undefined;
}

function findProtobufValue(v: Json): string | undefined {
  if (Array.isArray(v)) {
    for (const x of v) {
      const f = findProtobufValue(x);
      if (f) return f;
    }
    return undefined;
  }
  if (v === null || typeof v !== 'object') return undefined;
  const obj = v.objectValue;
  if (obj && typeof obj === 'object' && !Array.isArray(obj) && !WELL_KNOWN_OBJECTS.has(String(obj['@type']))) return String(obj['@type']);
  if (v.enumValue !== undefined) return 'an enum value';
  if (typeof v.messageType === 'string' && !/^google\.protobuf\.(Timestamp|Duration)$/.test(v.messageType)) return v.messageType;
  if (typeof v.typeValue === 'string' && PROTOBUF_NAMES.test(v.typeValue)) return v.typeValue;
  for (const x of Object.values(v)) {
    const f = findProtobufValue(x);
    if (f) return f;
  }
  return undefined;
}

const UINT_CLASS = (evaluate('1u') as object).constructor as new (v: bigint) => object;
const DURATION_CLASS = (evaluate('duration("1s")') as object).constructor as new (seconds: bigint, nanos: number) => object;

/** Expected value in the library's representation, or a marker for values we compare structurally. */
export function fromProtoJson(v: JsonObject): unknown {
  if ('int64Value' in v) return BigInt(String(v.int64Value));
  if ('uint64Value' in v) return new UINT_CLASS(BigInt(String(v.uint64Value)));
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('nullValue' in v) return null;
  if ('bytesValue' in v) return new Uint8Array(Buffer.from(String(v.bytesValue), 'base64'));
  if ('listValue' in v) return ((v.listValue as JsonObject | null)?.values as JsonObject[] | undefined)?.map(fromProtoJson) ?? [];
  if ('mapValue' in v) {
    const entries = ((v.mapValue as JsonObject | null)?.entries as JsonObject[] | undefined) ?? [];
    return new Map(entries.map((e) => [fromProtoJson(e.key as JsonObject), fromProtoJson(e.value as JsonObject)]));
  }
  if ('typeValue' in v) return { celType: String(v.typeValue) };
  if ('objectValue' in v) {
    const o = v.objectValue as JsonObject;
    if (o['@type'] === 'type.googleapis.com/google.protobuf.Duration') return parseProtoDuration(String(o.value));
    if (o['@type'] === 'type.googleapis.com/google.protobuf.Timestamp') return new Date(String(o.value));
  }
  throw new Error(`unsupported expected value ${JSON.stringify(v)}`);
}

function parseProtoDuration(text: string): object {
  const m = /^(-?)(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (!m) throw new Error(`bad duration ${text}`);
  const sign = m[1] ? -1n : 1n;
  const nanos = Number((m[3] ?? '').padEnd(9, '0'));
  return new DURATION_CLASS(sign * BigInt(m[2] ?? '0'), Number(sign) * nanos);
}

const PRIMITIVES: Readonly<Record<string, string>> = {
  INT64: 'int',
  UINT64: 'uint',
  DOUBLE: 'double',
  STRING: 'string',
  BOOL: 'bool',
  BYTES: 'bytes',
};

/** A `cel.expr.Type` (JSON) in the library's type notation. */
export function typeName(t: JsonObject): string {
  if (typeof t.primitive === 'string') return PRIMITIVES[t.primitive] ?? 'dyn';
  if ('null' in t) return 'null';
  if (t.listType) return `list<${typeName((t.listType as JsonObject).elemType as JsonObject)}>`;
  if (t.mapType) {
    const m = t.mapType as JsonObject;
    return `map<${typeName(m.keyType as JsonObject)}, ${typeName(m.valueType as JsonObject)}>`;
  }
  if (t.messageType === 'google.protobuf.Duration' || t.wellKnown === 'DURATION') return 'google.protobuf.Duration';
  if (t.messageType === 'google.protobuf.Timestamp' || t.wellKnown === 'TIMESTAMP') return 'google.protobuf.Timestamp';
  return 'dyn';
}

/** CEL equality for judging, stricter than `==`: types must match exactly; NaN equals NaN. */
export function sameValue(actual: unknown, expected: unknown): boolean {
  if (expected instanceof UINT_CLASS) return actual instanceof UINT_CLASS && actual.valueOf() === expected.valueOf();
  if (typeof expected === 'bigint') return typeof actual === 'bigint' && actual === expected;
  if (typeof expected === 'number')
    return typeof actual === 'number' && (Object.is(actual, expected) || actual === expected || (Number.isNaN(actual) && Number.isNaN(expected)));
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (expected instanceof Uint8Array) return actual instanceof Uint8Array && Buffer.from(actual).equals(Buffer.from(expected));
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((x, i) => sameValue(actual[i], x));
  if (expected instanceof Date) return actual instanceof Date && actual.getTime() === expected.getTime();
  if (expected instanceof DURATION_CLASS) return actual instanceof DURATION_CLASS && String(actual) === String(expected);
  if (expected instanceof Map) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual) || actual instanceof Optional) return false;
    const entries: [unknown, unknown][] = actual instanceof Map ? [...actual.entries()] : Object.entries(actual);
    if (entries.length !== expected.size) return false;
    return [...expected].every(([k, v]) => entries.some(([ak, av]) => sameKey(ak, k, actual instanceof Map) && sameValue(av, v)));
  }
  if ('celType' in expected)
    return actual !== null && typeof actual === 'object' && (actual as { name?: unknown }).name === (expected as { celType: string }).celType;
  return false;
}

/** Plain-object maps (the library's representation of string-keyed maps) have string keys only. */
function sameKey(actual: unknown, expected: unknown, typedKeys: boolean): boolean {
  return typedKeys ? sameValue(actual, expected) : typeof expected === 'string' && actual === expected;
}

function describeValue(v: unknown): string {
  if (v instanceof Error) return `error: ${v.message.split('\n')[0]}`;
  try {
    return `${(v as object)?.constructor?.name ?? typeof v} ${JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Map ? Object.fromEntries(x) : x))}`;
  } catch {
    return String(v);
  }
}

/** `podsec`: the engines' environment; `library`: the bare library with optional types (the baseline). */
export type EnvironmentKind = 'podsec' | 'library';

function freshEnvironment(kind: EnvironmentKind): Environment {
  return kind === 'podsec' ? celEnvironment().env.clone() : new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false });
}

function runOne(o: JsonObject & { expr: string }, kind: EnvironmentKind): { ok: boolean; detail?: string } {
  const env = freshEnvironment(kind);
  const bindings: Record<string, unknown> = {};
  try {
    for (const decl of (o.typeEnv as JsonObject[] | undefined) ?? []) {
      const ident = decl.ident as JsonObject | undefined;
      if (ident) env.registerVariable(String(decl.name), typeName(ident.type as JsonObject));
    }
    for (const [name, b] of Object.entries((o.bindings as Record<string, JsonObject> | undefined) ?? {})) {
      bindings[name] = fromProtoJson(b.value as JsonObject);
      if (!env.hasVariable(name)) env.registerVariable(name, 'dyn');
    }
  } catch (e) {
    return { ok: false, detail: `environment: ${(e as Error).message.split('\n')[0]}` };
  }
  let program: ReturnType<typeof env.parse>;
  try {
    program = env.parse(o.expr);
  } catch (e) {
    return { ok: false, detail: `parse error: ${(e as Error).message.split('\n')[0]}` };
  }
  const expectsError = o.evalError !== undefined;
  if (!o.disableCheck) {
    const checked = program.check();
    if (!checked.valid) {
      return expectsError ? { ok: true } : { ok: false, detail: `check error: ${checked.error?.message.split('\n')[0]}` };
    }
  }
  let actual: unknown;
  try {
    actual = program(bindings);
  } catch (e) {
    return expectsError ? { ok: true } : { ok: false, detail: describeValue(e) };
  }
  if (expectsError) return { ok: false, detail: `expected an error, got ${describeValue(actual)}` };
  const expected = o.value !== undefined ? fromProtoJson(o.value as JsonObject) : true;
  return sameValue(actual, expected) ? { ok: true } : { ok: false, detail: `got ${describeValue(actual)}, want ${describeValue(expected)}` };
}

/** Runs every test of the given top-level suites. */
export function runConformance(suites: readonly string[], kind: EnvironmentKind = 'podsec'): TestResult[] {
  const wanted = new Set(suites);
  const results: TestResult[] = [];
  const seen = new Map<string, number>();
  // A few sections reuse a test name; the second becomes `name#2`.
  const uniqueId = (id: string): string => {
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return n === 1 ? id : `${id}#${n}`;
  };
  const walk = (suite: string, s: SerializedSuite, prefix: string): void => {
    for (const t of s.tests ?? []) {
      const o = t.original;
      const id = uniqueId(`${prefix}/${o.name ?? o.expr}`);
      if (protobufReason(o)) {
        results.push({ id, suite, expr: o.expr, outcome: 'protobuf' });
        continue;
      }
      let r: { ok: boolean; detail?: string };
      try {
        r = runOne(o, kind);
      } catch (e) {
        r = { ok: false, detail: `runner: ${(e as Error).message}` };
      }
      results.push({ id, suite, expr: o.expr, outcome: r.ok ? 'pass' : 'fail', ...(r.detail ? { detail: r.detail } : {}) });
    }
    for (const c of s.suites ?? []) walk(suite, c, `${prefix}/${c.name}`);
  };
  for (const s of (conformance as SerializedSuite).suites ?? []) if (wanted.has(s.name)) walk(s.name, s, s.name);
  return results;
}

/** Every top-level suite name in the data. */
export function allSuites(): string[] {
  return ((conformance as SerializedSuite).suites ?? []).map((s) => s.name);
}
