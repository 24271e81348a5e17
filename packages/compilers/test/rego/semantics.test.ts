/**
 * Semantic equivalence of the Rego target with the reference semantics (packages/ir evaluate.ts):
 * every fixture policy (all targets' fixtures) is compiled to Wasm by @podsec/rego and evaluated
 * with the real @open-policy-agent/opa-wasm SDK on random Pods and controllers, random admission
 * contexts and perturbed inputs; the violated rule ids, messages and details must match exactly.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evaluatePolicy, type AdmissionContext, type PolicyIR } from '@podsec/ir';
import { compileRego, loadRegoPolicy, type RegoPolicy } from '@podsec/rego';
import { generatedNames } from '../../src/shared/names.js';
import { compileRegoModule, gatekeeperInput } from '../../src/rego/index.js';
import { arbitraryPodObject, valuesFromPolicy } from '../../../../test/support/pods.js';
import { arbitraryContext, objectLabelPool, perturb, withObjectLabels } from './contexts.js';
import { loadFixtures } from './fixtures.js';

const RUNS = 300;

interface Violation {
  msg: string;
  details: { policy: string; rule: string };
}

async function load(ir: PolicyIR): Promise<(object: unknown, ctx: AdmissionContext) => Violation[]> {
  const names = generatedNames(ir);
  const compiled = compileRego([{ path: `rego/${ir.name}.rego`, text: compileRegoModule(ir, names) }], { entrypoints: [names.regoEntrypoint] });
  const policy: RegoPolicy = await loadRegoPolicy(compiled.wasm, compiled.hostBuiltins, { memoryPages: compiled.memoryPages });
  return (object, ctx) => {
    const rows = policy.evaluate(gatekeeperInput(object, ctx), names.regoEntrypoint);
    expect(rows).toHaveLength(1);
    return rows[0]!.result as Violation[];
  };
}

/** What the reference decides, in the shape the Rego reports it. */
function expected(ir: PolicyIR, object: unknown, ctx: AdmissionContext): Violation[] {
  const verdict = evaluatePolicy(ir, object, ctx);
  return verdict.applies ? verdict.violations.map((v) => ({ msg: v.message, details: { policy: ir.name, rule: v.rule } })) : [];
}

const byRule = (vs: Violation[]) => [...vs].sort((a, b) => (a.details.rule < b.details.rule ? -1 : a.details.rule > b.details.rule ? 1 : 0));

describe('rego target agrees with evaluatePolicy (opa-wasm)', () => {
  for (const { file, ir } of loadFixtures()) {
    describe(file, () => {
      let run: (object: unknown, ctx: AdmissionContext) => Violation[];
      // A cold @podsec/rego runtime cache builds the Wasm runtime first (about a minute).
      beforeAll(async () => {
        run = await load(ir);
      }, 300_000);

      it(`decides like the reference on ${RUNS} random objects and contexts`, () => {
        const objects = fc
          .tuple(arbitraryPodObject({ values: valuesFromPolicy(ir) }), objectLabelPool(ir), fc.option(fc.tuple(fc.nat(), fc.nat()), { freq: 4 }))
          .map(([object, labels, odd]) => {
            const labelled = withObjectLabels(object, ir, labels);
            return odd ? perturb(labelled, odd[0], odd[1]) : labelled;
          });
        const seen = { skipped: 0, admitted: 0, denied: 0 };
        const violatedRules = new Set<string>();
        fc.assert(
          fc.property(objects, arbitraryContext(ir), (object, ctx) => {
            const want = expected(ir, object, ctx);
            expect(byRule(run(object, ctx))).toEqual(byRule(want));
            const verdict = evaluatePolicy(ir, object, ctx);
            seen[!verdict.applies ? 'skipped' : want.length ? 'denied' : 'admitted'] += 1;
            for (const v of want) violatedRules.add(v.details.rule);
          }),
          { numRuns: RUNS },
        );
        // Not vacuous: the random inputs reached both verdicts and most rules.
        expect(seen.denied).toBeGreaterThan(0);
        expect(seen.admitted + seen.skipped).toBeGreaterThan(0);
        if (process.env.PODSEC_REGO_STATS) console.log(file, seen, `${violatedRules.size}/${ir.rules.length} rules violated at least once`);
      });
    });
  }
});

describe('rego target: Gatekeeper input shapes (opa-wasm)', () => {
  const fixtures = loadFixtures('rego-');
  const hostIr = fixtures.find((f) => f.file === 'rego-host-and-volumes.json')!.ir;
  const rootIr = fixtures.find((f) => f.file === 'rego-run-as-non-root.json')!.ir;
  const names = generatedNames(hostIr);
  let evaluateRaw: (input: unknown) => Violation[];
  let evaluateRoot: (input: unknown) => Violation[];

  beforeAll(async () => {
    const load = async (ir: PolicyIR) => {
      const n = generatedNames(ir);
      const compiled = compileRego([{ path: `rego/${ir.name}.rego`, text: compileRegoModule(ir, n) }], { entrypoints: [n.regoEntrypoint] });
      const policy = await loadRegoPolicy(compiled.wasm, compiled.hostBuiltins, { memoryPages: compiled.memoryPages });
      return (input: unknown) => policy.evaluate(input, n.regoEntrypoint)[0]!.result as Violation[];
    };
    evaluateRaw = await load(hostIr);
    evaluateRoot = await load(rootIr);
  }, 300_000);

  const privilegedPod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'apps' },
    spec: { hostNetwork: true, containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] },
  };
  const rules = (vs: Violation[]) => vs.map((v) => v.details.rule).sort();
  const referenceRules = (ir: PolicyIR, ctx: AdmissionContext) => byRule(expected(ir, privilegedPod, ctx)).map((v) => v.details.rule);

  it('without input.review.namespaceObject, leaves the namespaceSelector to the Constraint (decides as if it matched)', () => {
    const input = gatekeeperInput(privilegedPod, { operation: 'CREATE' }) as { review: Record<string, unknown> };
    delete input.review.namespaceObject;
    const matched = { operation: 'CREATE' as const, namespaceLabels: { env: 'prod', tier: 'web', team: 'a' } };
    expect(referenceRules(hostIr, matched).length).toBeGreaterThan(0);
    expect(rules(evaluateRaw(input))).toEqual(referenceRules(hostIr, matched));
    // With the namespace object present, its labels decide: here they do not match.
    expect(evaluateRaw(gatekeeperInput(privilegedPod, { operation: 'CREATE', namespaceLabels: { env: 'dev' } }))).toEqual([]);
  });

  it('treats a Gatekeeper audit review (no operation, no user) like the reference does', () => {
    const audit = { review: { object: privilegedPod }, parameters: {} };
    expect(rules(evaluateRoot(audit))).toEqual(referenceRules(rootIr, {}));
    expect(rules(evaluateRoot(audit)).length).toBeGreaterThan(0);
  });

  it('treats an empty operation string (older Gatekeeper audit) as CREATE', () => {
    const input = { review: { object: privilegedPod, operation: '', userInfo: { username: '' } }, parameters: {} };
    expect(rules(evaluateRoot(input))).toEqual(referenceRules(rootIr, { operation: 'CREATE' }));
  });

  it('skips operations the policy does not match, and exempt users', () => {
    expect(evaluateRoot(gatekeeperInput(privilegedPod, { operation: 'UPDATE' })).length).toBeGreaterThan(0);
    expect(evaluateRoot({ review: { object: privilegedPod, operation: 'DELETE' } })).toEqual([]);
    const exempt = rootIr.exemptions.usernames[0]!;
    expect(referenceRules(rootIr, { username: exempt })).toEqual([]);
    expect(rules(evaluateRoot(gatekeeperInput(privilegedPod, { username: exempt })))).toEqual([]);
  });

  it('reports the policy name of generatedNames in every violation', () => {
    const violations = evaluateRaw(gatekeeperInput(privilegedPod, { namespaceLabels: { env: 'prod', tier: 'db', team: 'x' } }));
    expect(violations.length).toBeGreaterThan(0);
    for (const v of violations) expect(v.details.policy).toBe(names.policy);
  });
});
