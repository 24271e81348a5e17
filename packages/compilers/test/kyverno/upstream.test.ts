/**
 * Ground truth from the real Kyverno: kyverno/policies `pod-security/` (commit b9c4317) ships
 * `kyverno test` expectations that the Kyverno CLI produced in upstream CI for every
 * (policy, rule, resource) — ../shared/conformance/kyverno/index.json. For each upstream policy whose
 * semantics the IR can state, fixtures/ir/kyverno-upstream/<policy>.json models it; the ClusterPolicy
 * podsec compiles from that IR must reach the recorded pass/fail on the recorded resources (Pods,
 * Deployments and CronJobs), with our explicit controller rules standing in for Kyverno's autogen.
 * The IR model itself is checked against the same expectations through evaluatePolicy, so a
 * disagreement points at the compiler, not at the model.
 *
 * Not modelled (the IR has no way to say them exactly): `restrict-volume-types` (keys of each volume
 * outside an allow-list) and `disallow-host-ports-range` (two AnyNotIn conditions over the pooled
 * host ports, not a per-port test); the `subrule/` policies use Kyverno's embedded PSA library.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { evaluatePolicy, parsePolicyIR } from '@podsec/ir';
import { evaluateKyvernoPolicy, type JsonObject } from '@podsec/kyverno';
import { sharedDir } from '../../../../test/support/shared.js';
import { compileWith, FIXTURE_DIR } from './support/fixtures.js';

interface Expectation {
  policy: string;
  rule: string;
  resource: string;
  kind: string;
  expect: 'pass' | 'fail' | 'skip';
  resource_file: string;
  resource_doc_index: number;
}

const root = sharedDir('conformance', 'kyverno');
const expectations = JSON.parse(readFileSync(`${root}/index.json`, 'utf8')) as Expectation[];
const modelDir = `${FIXTURE_DIR}kyverno-upstream/`;
const models = readdirSync(modelDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => parsePolicyIR(JSON.parse(readFileSync(modelDir + f, 'utf8')), `kyverno-upstream/${f}`));

const documents = new Map<string, unknown[]>();
function resource(e: Expectation): JsonObject {
  let docs = documents.get(e.resource_file);
  if (!docs) {
    docs = parseAllDocuments(readFileSync(`${root}/${e.resource_file}`, 'utf8')).map((d) => d.toJS());
    documents.set(e.resource_file, docs);
  }
  const doc = docs[e.resource_doc_index];
  if (!doc || typeof doc !== 'object') throw new Error(`${e.resource_file}: document ${e.resource_doc_index} (${e.resource}) is not an object`);
  return doc as JsonObject;
}

describe('podsec-compiled ClusterPolicies reproduce the Kyverno CLI results recorded upstream', () => {
  it('covers every modelled policy with expectations', () => {
    expect(models.length).toBe(16);
    for (const ir of models) expect(expectations.some((e) => e.policy === ir.name)).toBe(true);
    // 948 upstream expectations minus restrict-volume-types (87), disallow-host-ports-range (63) and the subrule policies (8).
    expect(expectations.filter((e) => models.some((m) => m.name === e.policy)).length).toBe(790);
  });

  const cases = models.flatMap((ir) => [
    { name: ir.name, form: 'as emitted', ir, ...compileWith(ir, {}) },
    { name: ir.name, form: 'patterns where exact', ir, ...compileWith(ir, { patterns: true }) },
  ]);

  it.each(cases)('$name ($form)', ({ ir, policy, ruleNames }) => {
    const manifest = { rules: ruleNames };
    const mine = expectations.filter((e) => e.policy === ir.name);
    const outcomes = mine.map((e) => {
      const object = resource(e);
      const ruleName = manifest.rules[e.rule]?.[e.kind];
      if (!ruleName) throw new Error(`model ${ir.name} has no rule ${e.rule} for ${e.kind}`);
      const status = evaluateKyvernoPolicy(policy, { operation: 'CREATE', object }).find((r) => r.rule === ruleName)?.status ?? 'skip';
      const reference = evaluatePolicy(ir, object, { operation: 'CREATE' });
      const modelViolated = reference.applies && reference.violations.some((v) => v.rule === e.rule);
      return { resource: e.resource, rule: e.rule, expected: e.expect, kyverno: status === 'fail' ? 'fail' : 'pass', model: modelViolated ? 'fail' : 'pass' };
    });
    expect(outcomes.filter((o) => o.kyverno !== o.expected || o.model !== o.expected)).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(0);
  });
});
