// loadRegoBatch: several entrypoints of one module on one input, the input parsed once. Every
// result must be what the SDK's own evaluate() gives for the same module, entrypoint and input.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { compileRego, loadRegoBatch, loadRegoPolicy, RegoEvalError, type BatchCall } from '../src/index.js';
import { ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS } from './helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

const MODULES = [
  'package a\n\nviolation contains msg if { some c in input.review.object.spec.containers; c.privileged; msg := sprintf("%s is privileged", [c.name]) }',
  'package b\n\nviolation contains {"msg": "no name"} if { not input.review.object.metadata.name }\nlimit := input.parameters.max',
  'package c\n\nx := v if { some v in input.values }', // conflicts when input.values has two members
];
const ENTRYPOINTS = ['a/violation', 'b/violation', 'b/limit', 'c/x'];

async function both(opaAbiOnly: boolean) {
  const compiled = compileRego(
    MODULES.map((text, i) => ({ path: `m${i}.rego`, text })),
    { entrypoints: ENTRYPOINTS },
  );
  const batch = await loadRegoBatch(compiled.wasm, compiled.hostBuiltins, { memoryPages: compiled.memoryPages, opaAbiOnly });
  const single = await loadRegoPolicy(compiled.wasm, compiled.hostBuiltins, { memoryPages: compiled.memoryPages });
  return { batch, single };
}

const review = (containers: unknown[], name?: string) => ({
  review: { object: { metadata: name ? { name } : {}, spec: { containers } } },
  values: [1],
});

// Through podsec's one-call export, and through the OPA ABI's evaluation context as for a module `opa build` made.
describe.each([false, true])('loadRegoBatch (OPA ABI only: %s)', (opaAbiOnly) => {
  it('gives, for each entrypoint, the result set the SDK gives for it alone', async () => {
    const { batch, single } = await both(opaAbiOnly);
    const inputs = [review([{ name: 'x', privileged: true }, { name: 'y' }], 'p'), review([]), review([{ name: 'z', privileged: false }], 'q'), { review: 1 }];
    for (const input of inputs) {
      expect(batch.evaluate(input, ENTRYPOINTS)).toEqual(ENTRYPOINTS.map((e) => single.evaluate(input, e)));
    }
    expect(batch.evaluate(inputs[0], ['a/violation'])).toEqual([[{ result: ['x is privileged'] }]]);
  });

  it('an error in one entrypoint is that entrypoint’s result; the others still run', async () => {
    const { batch } = await both(opaAbiOnly);
    const rs = batch.evaluate({ values: [1, 2], review: { object: { metadata: { name: 'n' } } } }, ['c/x', 'b/violation', 'nope/x']);
    expect(rs[0]).toBeInstanceOf(RegoEvalError);
    expect(String((rs[0] as Error).message)).toMatch(/eval_conflict_error/);
    expect(rs[1]).toEqual([{ result: [] }]);
    expect(rs[2]).toBeInstanceOf(RegoEvalError);
    expect(String((rs[2] as Error).message)).toMatch(/"nope\/x" is not in this module/);
  });

  it('sets an input path to a constant per call, and each call sees only its own', async () => {
    const { batch, single } = await both(opaAbiOnly);
    const small = batch.constant({ max: 1 });
    const large = batch.constant({ max: 100 });
    const calls: BatchCall[] = [
      { entrypoint: 'b/limit', set: { path: ['parameters'], value: small } },
      { entrypoint: 'b/limit', set: { path: ['parameters'], value: large } },
      { entrypoint: 'b/limit', set: { path: ['parameters'], value: small } },
    ];
    expect(batch.evaluate({ parameters: null }, calls)).toEqual([[{ result: 1 }], [{ result: 100 }], [{ result: 1 }]]);
    // A path the input lacks is added (the allocation is kept for the following calls).
    expect(batch.evaluate({}, calls)).toEqual([[{ result: 1 }], [{ result: 100 }], [{ result: 1 }]]);
    expect(single.evaluate({ parameters: { max: 100 } }, 'b/limit')).toEqual([{ result: 100 }]);
    const bad = batch.evaluate([1], calls.slice(0, 1));
    expect(String((bad[0] as Error).message)).toMatch(/must be an object/);
  });

  it('constants and results stay intact over many evaluations (each one starts its heap above the constants)', async () => {
    const { batch } = await both(opaAbiOnly);
    const params = batch.constant({ max: 7 });
    const input = {
      ...review(
        Array.from({ length: 50 }, (_, i) => ({ name: `c${i}`, privileged: i % 2 === 0 })),
        'big',
      ),
      parameters: null,
    };
    const calls: BatchCall[] = [...ENTRYPOINTS, { entrypoint: 'b/limit', set: { path: ['parameters'], value: params } }];
    const first = batch.evaluate(input, calls);
    expect(first[4]).toEqual([{ result: 7 }]);
    expect((first[0] as { result: unknown[] }[])[0]!.result).toHaveLength(25);
    for (let i = 0; i < 2000; i++) batch.evaluate(input, calls);
    expect(batch.evaluate(input, calls)).toEqual(first);
  });

  it('rejects inputs that are not JSON, naming the reason', async () => {
    const { batch } = await both(opaAbiOnly);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => batch.evaluate(cyclic, ENTRYPOINTS)).toThrow(/input is not JSON-serialisable/);
    expect(() => batch.evaluate(() => 1, ENTRYPOINTS)).toThrow(/not JSON-serialisable \(got function\)/);
  });
});
