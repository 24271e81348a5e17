/**
 * 1,000 (or N) realistic, varied policies for the scale benchmarks, deterministic by seed. Each
 * policy is drawn from the field table (every scalar and list field it knows, at every scope the
 * field has) and the predicate kinds that fit the field's type, with the mixes real libraries
 * have: one to three rules, some conditional (`when`), some combined with all/any/not, every
 * mode, some narrowed to a few kinds or excluding namespaces. Every policy passes
 * validatePolicyIR; a draw it refuses is drawn again from the same stream, so the set stays a
 * function of (count, seed).
 */
import { ALL_POD_KINDS, FIELDS, LINUX_CAPABILITIES, validatePolicyIR, type Check, type FieldSpec, type PolicyIR, type Predicate, type Scope } from '@podsec/ir';

/** A small, fast PRNG (mulberry32): the same seed gives the same policies on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const some = <T>(r: Rand, xs: readonly T[], max = 3): T[] => {
  const n = 1 + Math.floor(r() * Math.min(max, xs.length));
  return [...new Set(Array.from({ length: n }, () => pick(r, xs)))];
};

/** Fields a generated rule may test: scalars and scalar lists (object lists and maps need item paths). */
const SCALAR_TYPES = new Set(['boolean', 'integer', 'string', 'string[]', 'integer[]']);
const TESTABLE: FieldSpec[] = Object.values(FIELDS).filter((f) => SCALAR_TYPES.has(f.type));

const scopesOf = (f: FieldSpec): Scope[] => (f.pod && f.container ? ['pod', 'container', 'effective'] : f.pod ? ['pod'] : ['container']);

/** String values a field is compared with: its enumeration, else its samples, else plausible ones. */
function stringValues(f: FieldSpec): string[] {
  const vs = [...(f.enum ?? []), ...(f.samples ?? []).filter((s): s is string => typeof s === 'string')];
  return vs.length ? vs : ['registry.example/app', 'registry.example/debug', 'mirror.example/base'];
}

/** A predicate that suits the field's type, as policy authors write them. */
const PREDICATES: Record<string, (r: Rand, f: FieldSpec) => Predicate> = {
  boolean: (r) => ({ op: 'equals', value: r() >= 0.7 }),
  integer: (r, f) => {
    const samples = (f.samples ?? [0, 1000]).filter((s): s is number => typeof s === 'number');
    return pick(r, [
      (): Predicate => ({ op: 'range', min: 1 + Math.floor(r() * 1000) }),
      (): Predicate => ({ op: 'range', min: 1000, max: 1000 + Math.floor(r() * 64000) }),
      (): Predicate => ({ op: 'notIn', values: samples.length ? samples : [0] }),
      (): Predicate => ({ op: 'not', pred: { op: 'equals', value: 0 } }),
    ])();
  },
  string: (r, f) => {
    const values = stringValues(f);
    return pick(r, [
      (): Predicate => ({ op: 'in', values: some(r, values) }),
      (): Predicate => ({ op: 'notIn', values: some(r, values, 2) }),
      (): Predicate => ({ op: 'equals', value: pick(r, values) }),
      (): Predicate => ({ op: 'prefix', value: pick(r, values).slice(0, 3) }),
      (): Predicate => ({ op: 'glob', value: `${pick(r, values).slice(0, 2)}*` }),
      (): Predicate => ({
        op: 'or',
        of: [
          { op: 'equals', value: pick(r, values) },
          { op: 'prefix', value: pick(r, values).slice(0, 1) },
        ],
      }),
    ])();
  },
  'string[]': (r, f) => {
    const caps = f.id.startsWith('capabilities.') ? [...LINUX_CAPABILITIES, 'ALL'] : stringValues(f);
    return pick(r, [
      (): Predicate => ({ op: 'subsetOf', values: some(r, caps, 4) }),
      (): Predicate => ({ op: 'containsAll', values: some(r, caps, 2) }),
      (): Predicate => ({ op: 'containsNone', values: some(r, caps, 4), ...(r() < 0.5 ? { normalize: 'capability' as const } : {}) }),
    ])();
  },
  'integer[]': (r) => ({ op: 'subsetOf', values: some(r, [1000, 2000, 3000, 4000, 65534], 4) }),
};

function fieldCheck(r: Rand): Check {
  const f = pick(r, TESTABLE);
  const scope = pick(r, scopesOf(f));
  return {
    kind: 'field',
    field: f.id,
    scope,
    ...(scope !== 'pod' && r() < 0.2 ? { containers: ['containers' as const] } : {}),
    pred: PREDICATES[f.type]!(r, f),
    absent: r() < 0.75 ? 'pass' : 'fail',
  };
}

function requireCheck(r: Rand): Check {
  const x = r();
  if (x < 0.7) return fieldCheck(r);
  if (x < 0.85) return { kind: 'all', checks: [fieldCheck(r), fieldCheck(r)] };
  if (x < 0.95) return { kind: 'any', checks: [fieldCheck(r), fieldCheck(r)] };
  return { kind: 'not', check: fieldCheck(r) };
}

const MODES = ['enforce', 'audit', 'warn'] as const;
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

function draw(r: Rand, name: string): PolicyIR {
  const rules = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, i) => {
    const require = requireCheck(r);
    return {
      id: `rule-${i + 1}`,
      message: `${name} rule ${i + 1}: the Pod's security settings are outside what this policy allows.`,
      ...(r() < 0.15 ? { when: fieldCheck(r) } : {}),
      require,
    };
  });
  const kinds = r() < 0.8 ? [...ALL_POD_KINDS] : ALL_POD_KINDS.filter((k) => k === 'Pod' || r() < 0.4);
  return {
    irVersion: 1,
    name,
    title: `Scale policy ${name}`,
    description: 'Generated by bench/scale/generate.ts for the scale benchmarks.',
    severity: pick(r, SEVERITIES),
    mode: pick(r, MODES),
    source: `${name}.ts`,
    match: {
      kinds,
      operations: ['CREATE', 'UPDATE'],
      namespaces: { include: [], exclude: r() < 0.3 ? ['kube-system'] : [] },
    },
    exemptions: { usernames: [], runtimeClasses: [], namespaces: [] },
    rules,
  };
}

/** `count` policies named `scale-0001`…, each valid IR. */
export function generatePolicies(count: number, seed = 1): PolicyIR[] {
  const r = prng(seed);
  return Array.from({ length: count }, (_, i) => {
    const name = `scale-${String(i + 1).padStart(4, '0')}`;
    for (let attempt = 0; ; attempt++) {
      const ir = draw(r, name);
      try {
        validatePolicyIR(ir);
        return ir;
      } catch (e) {
        if (attempt > 50)
          throw new Error(`bench/scale/generate.ts: no valid draw for ${name} in 50 attempts; last error: ${e instanceof Error ? e.message : e}`);
      }
    }
  });
}

/** The policy as a module `podsec build` loads: one definePolicy call over the IR's rules. */
export function policyModule(ir: PolicyIR): string {
  const def = { name: ir.name, title: ir.title, description: ir.description, severity: ir.severity, mode: ir.mode, match: ir.match, rules: ir.rules };
  return `// Generated by podsec bench/scale/generate.ts (scale benchmark input).\nimport { definePolicy } from '@podsec/dsl';\n\nexport default definePolicy(${JSON.stringify(def, null, 2)});\n`;
}
