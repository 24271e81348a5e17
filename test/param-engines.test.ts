/**
 * Parameterised policies (issue 12) in every engine against the reference semantics: each
 * example policy of test/support/param-policies.ts, with each of its instances' parameter values,
 * on objects near the values' edges. The Rego runs as a Gatekeeper template would: one module for
 * every instance, the values passed as `input.parameters` at run time.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { evaluatePolicy, type PolicyIR } from '@podsec/ir';
import { compileRegoModule, gatekeeperInput } from '../packages/compilers/src/rego/index.js';
import { generatedNames } from '../packages/compilers/src/shared/names.js';
import { compileRego, loadRegoPolicy, type RegoPolicy } from '@podsec/rego';
import { PARAM_CASES } from './support/param-policies.js';

const violatedRules = (ir: PolicyIR, object: unknown, values: Record<string, unknown>): string[] => {
  const v = evaluatePolicy(ir, object, { operation: 'CREATE' }, values);
  return v.applies ? v.violations.map((x) => x.rule).sort() : [];
};

describe.each(PARAM_CASES.map((c) => [c.policy.ir.name, c] as const))('%s', (_name, { policy, instances, objects }) => {
  const ir = policy.ir;
  let rego: RegoPolicy;
  const names = generatedNames(ir);
  beforeAll(async () => {
    const compiled = compileRego([{ path: `rego/${ir.name}.rego`, text: compileRegoModule(ir, names) }], { entrypoints: [names.regoEntrypoint] });
    rego = await loadRegoPolicy(compiled.wasm, compiled.hostBuiltins, { memoryPages: compiled.memoryPages });
  }, 300_000);

  it('the examples exercise both verdicts of every rule', () => {
    const seen = new Set<string>();
    for (const values of instances) for (const o of objects) for (const r of violatedRules(ir, o, values)) seen.add(r);
    expect([...seen].sort()).toEqual(ir.rules.map((r) => r.id).sort());
  });

  it('rego (one module, parameters at run time) decides like the reference for every instance', () => {
    for (const values of instances)
      for (const [i, object] of objects.entries()) {
        const rows = rego.evaluate(gatekeeperInput(object, { operation: 'CREATE' }, values), names.regoEntrypoint);
        const got = ((rows[0]?.result ?? []) as { details: { rule: string } }[]).map((v) => v.details.rule).sort();
        expect({ values, object: i, rules: got }).toEqual({ values, object: i, rules: violatedRules(ir, object, values) });
      }
  });
});
