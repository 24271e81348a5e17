// prepareInput: an input serialised once, evaluated by several policies and modules, must decide
// exactly as the value itself does, in loadRegoPolicy and loadRegoBatch alike.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { compileRego, loadRegoBatch, loadRegoPolicy, prepareInput, PreparedInput, RegoEvalError } from '../src/index.js';
import { ensureRuntime, policyOf, RUNTIME_BUILD_TIMEOUT_MS } from './helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

const PRIVILEGED = 'package a\n\nviolation contains c.name if { some c in input.review.object.spec.containers; c.privileged }';
const UNNAMED = 'package b\n\nviolation contains "no name" if { not input.review.object.metadata.name }';
const WHAT = 'package c\n\nkind := "none" if { not input }\nelse := "falsy" if { input == false }\nelse := "falsy" if { input == 0 }\nelse := "some"';

const review = (containers: unknown[], name?: string) => ({ review: { object: { metadata: name ? { name } : {}, spec: { containers } } } });
const INPUTS = [review([{ name: 'x', privileged: true }, { name: 'ü😀' }], 'p'), review([]), review([{ name: 'z', privileged: false }])];

describe('prepareInput', () => {
  it('decides as the value itself, for every policy it is handed to', async () => {
    const a = await policyOf(PRIVILEGED, ['a/violation']);
    const b = await policyOf(UNNAMED, ['b/violation']);
    for (const input of INPUTS) {
      const prepared = prepareInput(input);
      for (const [policy, ep] of [
        [a, 'a/violation'],
        [b, 'b/violation'],
      ] as const) {
        expect(policy.evaluate(prepared, ep)).toEqual(policy.evaluate(input, ep));
        expect(policy.evaluate(prepared, ep)).toEqual(policy.evaluate(input, ep)); // reusable
      }
    }
    expect(a.evaluate(prepareInput(INPUTS[0]), 'a/violation')).toEqual([{ result: ['x'] }]);
  });

  it('is recognised when another copy of @podsec/rego prepared it (no instanceof)', async () => {
    const a = await policyOf(PRIVILEGED, ['a/violation']);
    const ours = prepareInput(INPUTS[0]);
    // What a second loaded copy of the package hands over: same brand, different class.
    const theirs = { [Symbol.for('@podsec/rego.PreparedInput')]: true, bytes: ours.bytes };
    expect(theirs instanceof PreparedInput).toBe(false);
    expect(a.evaluate(theirs, 'a/violation')).toEqual([{ result: ['x'] }]);
  });

  it('is what loadRegoBatch evaluates too', async () => {
    const compiled = compileRego(
      [PRIVILEGED, UNNAMED].map((text, i) => ({ path: `m${i}.rego`, text })),
      { entrypoints: ['a/violation', 'b/violation'] },
    );
    const batch = await loadRegoBatch(compiled.wasm, compiled.hostBuiltins, { memoryPages: compiled.memoryPages });
    for (const input of INPUTS) {
      expect(batch.evaluate(prepareInput(input), ['a/violation', 'b/violation'])).toEqual(batch.evaluate(input, ['a/violation', 'b/violation']));
    }
    // A batch needs an input to parse: no input is refused, prepared or not.
    expect(() => batch.evaluate(undefined, ['a/violation'])).toThrow(/input is not JSON-serialisable \(got undefined\)/);
    expect(() => batch.evaluate(prepareInput(undefined), ['a/violation'])).toThrow(/input is not JSON-serialisable \(got undefined\)/);
  });

  it('keeps the value as it was when prepared', async () => {
    const a = await policyOf(PRIVILEGED, ['a/violation']);
    const input = review([{ name: 'x', privileged: true }]);
    const prepared = prepareInput(input);
    input.review.object.spec.containers = [];
    expect(a.evaluate(prepared, 'a/violation')).toEqual([{ result: ['x'] }]);
    expect(a.evaluate(input, 'a/violation')).toEqual([{ result: [] }]);
  });

  it('keeps falsy inputs and no input apart, as evaluate does', async () => {
    const c = await policyOf(WHAT, ['c/kind']);
    for (const input of [undefined, false, 0, '', null, {}]) {
      expect(c.evaluate(prepareInput(input), 'c/kind')).toEqual(c.evaluate(input, 'c/kind'));
    }
    expect(c.evaluate(prepareInput(undefined), 'c/kind')).toEqual([{ result: 'none' }]);
    expect(c.evaluate(prepareInput(0), 'c/kind')).toEqual([{ result: 'falsy' }]);
  });

  it('rejects what cannot be an input when preparing, with the reason', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => prepareInput(cyclic)).toThrow(RegoEvalError);
    expect(() => prepareInput({ n: 1n })).toThrow(/input is not JSON-serialisable/);
    expect(prepareInput({ a: 1 })).toBeInstanceOf(PreparedInput);
  });

  it('works with modules loaded directly by loadRegoPolicy', async () => {
    const compiled = compileRego([{ path: 'a.rego', text: PRIVILEGED }], { entrypoints: ['a/violation'] });
    const policy = await loadRegoPolicy(compiled.wasm, compiled.hostBuiltins, { memoryPages: compiled.memoryPages });
    expect(policy.evaluate(prepareInput(INPUTS[0]), 'a/violation')).toEqual([{ result: ['x'] }]);
  });
});
