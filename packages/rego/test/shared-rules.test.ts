// Rules shared between packages (compile/share.ts) and the memo that outlives one entrypoint
// (assembly/eval.ts, Plan.epochFor): one module holding several policies must decide each exactly
// as that policy's own module does, whatever inputs, parameters and errors come in between.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { compileRego, compileToPlan, loadRegoBatch, loadRegoPolicy, RegoEvalError, type BatchCall, type ResultSet } from '../src/index.js';
import { ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS } from './helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

/** A policy package as podsec emits them: its own copy of the helpers, its own check. */
const policy = (pkg: string, check: string) => `package ${pkg}

violation contains msg if {
\tapplies
\tsome c in containers(pod_spec, ["containers", "initContainers"])
\t${check}
\tmsg := sprintf("${pkg}: %s", [c.name])
}

applies if input.review.object.kind in {"Pod", "Deployment"}

pod_spec := s if {
\tinput.review.object.kind == "Pod"
\ts := input.review.object.spec
} else := s if {
\ts := input.review.object.spec.template.spec
} else := {}

containers(spec, kinds) := [c | some kind in kinds; list := spec[kind]; is_array(list); some c in list]

only := v if { some v in input.review.object.metadata.labels }

limit := input.parameters.max
`;

const SOURCES = [
  { path: 'a.rego', text: policy('a', 'c.privileged == true') },
  { path: 'b.rego', text: policy('b', 'c.securityContext.runAsUser == 0') },
  { path: 'c.rego', text: policy('c', 'count(c.name) > input.parameters.max') },
];
const ENTRYPOINTS = ['a/violation', 'b/violation', 'c/violation', 'a/only', 'b/only', 'a/limit', 'b/limit'];

const T_RULE = 3;
const T_FUNC = 5;
/** Every rule index a plan's terms refer to, by the local name of the rule referred to. */
function referencesByName(plan: unknown[]): Map<string, Set<number>> {
  const rules = plan[0] as unknown[][];
  const found = new Map<string, Set<number>>();
  const walk = (n: unknown): void => {
    if (!Array.isArray(n)) return;
    if ((n[0] === T_RULE || n[0] === T_FUNC) && typeof n[1] === 'number') {
      const name = String(rules[n[1]]![4]).split(' ')[0]!.split('.').at(-1)!;
      found.set(name, (found.get(name) ?? new Set()).add(n[1]));
    }
    n.forEach(walk);
  };
  rules.forEach((r) => walk(r[2]));
  return found;
}

describe('rules shared between packages', () => {
  it('points every copy of an identical helper at one rule, and leaves the checks apart', () => {
    const { plan } = compileToPlan(SOURCES, ENTRYPOINTS);
    const refs = referencesByName(plan);
    for (const helper of ['applies', 'pod_spec', 'containers']) expect(refs.get(helper)?.size).toBe(1);
    const entryRules = plan[2] as number[];
    // The three checks differ; the identical `only` and `limit` rules of a and b are one rule.
    expect(new Set(entryRules.slice(0, 3)).size).toBe(3);
    expect(entryRules[3]).toBe(entryRules[4]);
    expect(entryRules[5]).toBe(entryRules[6]);
    const rules = plan[0] as unknown[][];
    expect(String(rules[entryRules[3]!]![4])).toBe('data.a.only (shared with 2 identical rules of other packages)');
  });

  it('shares nothing in a plan that replaces rules with `with`', () => {
    const withTest = { path: 't.rego', text: 'package t\n\nimport data.a\n\ntest_a if { a.applies with input as {"review": {"object": {"kind": "Pod"}}} }\n' };
    const { plan } = compileToPlan([...SOURCES, withTest], ['a/violation', 't/test_a']);
    expect(referencesByName(plan).get('applies')?.size).toBe(3);
  });

  it('keeps rules of the same shape but another name apart', () => {
    const { plan } = compileToPlan(
      [
        { path: 'x.rego', text: 'package x\n\np := input.v\n' },
        { path: 'y.rego', text: 'package y\n\nq := input.v\n' },
      ],
      ['x/p', 'y/q'],
    );
    expect(new Set(plan[2] as number[]).size).toBe(2);
  });
});

describe('a memo that outlives one entrypoint', () => {
  async function modules() {
    const batchBuild = compileRego(SOURCES, { entrypoints: ENTRYPOINTS });
    const batch = await loadRegoBatch(batchBuild.wasm, batchBuild.hostBuiltins, { memoryPages: batchBuild.memoryPages });
    // Each policy alone: what the batch must give for its entrypoints.
    const alone = new Map<string, Awaited<ReturnType<typeof loadRegoPolicy>>>();
    for (const s of SOURCES) {
      const pkg = s.path.slice(0, 1);
      const own = compileRego([s], { entrypoints: ENTRYPOINTS.filter((e) => e.startsWith(`${pkg}/`)) });
      const loaded = await loadRegoPolicy(own.wasm, own.hostBuiltins, { memoryPages: own.memoryPages });
      for (const e of ENTRYPOINTS.filter((x) => x.startsWith(`${pkg}/`))) alone.set(e, loaded);
    }
    const expected = (input: unknown, e: string): ResultSet | string => {
      try {
        return alone.get(e)!.evaluate(input, e);
      } catch (err) {
        return String((err as Error).message).replace(/.*(eval_conflict_error).*/s, '$1');
      }
    };
    const got = (r: ResultSet | RegoEvalError): ResultSet | string => (r instanceof RegoEvalError ? r.message.replace(/.*(eval_conflict_error).*/s, '$1') : r);
    return { batch, expected, got };
  }

  const pod = (kind: string, containers: unknown[], labels: Record<string, string> = { app: 'x' }) => {
    const spec = { containers };
    return { review: { object: { kind, metadata: { labels }, spec: kind === 'Pod' ? spec : { template: { spec } } } }, parameters: { max: 3 } };
  };
  // Same-length documents land at the same address: the memo must still tell them apart.
  const INPUTS = [
    pod('Pod', [{ name: 'aaaa', privileged: true }]),
    pod('Pod', [{ name: 'bbbb', securityContext: { runAsUser: 0 } }]),
    pod('Pod', [{ name: 'cc', privileged: false }]),
    pod('Deployment', [{ name: 'dddd', privileged: true, securityContext: { runAsUser: 0 } }]),
    pod('Service', [{ name: 'eeee', privileged: true }]),
    pod('Pod', [{ name: 'ffff', privileged: true }], { app: 'x', tier: 'y' }), // `only` conflicts
    pod('Pod', [{ name: 'gggg', privileged: true }]),
  ];

  it('decides every entrypoint as the policy’s own module does, input after input', async () => {
    const { batch, expected, got } = await modules();
    for (let round = 0; round < 3; round++) {
      for (const input of INPUTS) {
        const rs = batch.evaluate(input, ENTRYPOINTS).map(got);
        expect(rs).toEqual(ENTRYPOINTS.map((e) => expected(input, e)));
      }
    }
  });

  it('a conflict raised in a shared rule is raised again for the next entrypoint, not taken for recursion', async () => {
    const { batch } = await modules();
    const rs = batch.evaluate(INPUTS[5], ['a/only', 'b/only', 'a/violation']);
    for (const r of rs.slice(0, 2))
      expect(String((r as Error).message)).toMatch(/eval_conflict_error: rule data\.a\.only \(shared with 2 identical rules of other packages\)/);
    expect(rs[2]).toEqual([{ result: ['a: ffff'] }]);
  });

  it('forgets what rules read from a parameter once another value is set there', async () => {
    const { batch, expected, got } = await modules();
    const small = batch.constant({ max: 3 });
    const large = batch.constant({ max: 100 });
    expect(batch.constant({ max: 3 })).toBe(small);
    const calls: BatchCall[] = [
      { entrypoint: 'c/violation', set: { path: ['parameters'], value: small } },
      { entrypoint: 'c/violation', set: { path: ['parameters'], value: large } },
      { entrypoint: 'a/limit', set: { path: ['parameters'], value: large } },
      { entrypoint: 'b/limit', set: { path: ['parameters'], value: small } },
      { entrypoint: 'c/violation', set: { path: ['parameters'], value: small } },
    ];
    const input = INPUTS[0];
    const withMax = (max: number) => ({ ...input, parameters: { max } });
    expect(batch.evaluate(input, calls).map(got)).toEqual([
      expected(withMax(3), 'c/violation'),
      expected(withMax(100), 'c/violation'),
      expected(withMax(100), 'a/limit'),
      expected(withMax(3), 'b/limit'),
      expected(withMax(3), 'c/violation'),
    ]);
    expect(got(batch.evaluate(input, calls)[0]!)).toEqual([{ result: ['c: aaaa'] }]);
  });

  it('the SDK’s own evaluate() of a multi-policy module sees each new input', async () => {
    const built = compileRego(SOURCES, { entrypoints: ENTRYPOINTS });
    const sdk = await loadRegoPolicy(built.wasm, built.hostBuiltins, { memoryPages: built.memoryPages });
    const { expected } = await modules();
    for (const input of [...INPUTS.slice(0, 5), ...INPUTS.slice(0, 5)]) {
      for (const e of ['a/violation', 'b/violation']) expect(sdk.evaluate(input, e)).toEqual(expected(input, e));
    }
  });
});
