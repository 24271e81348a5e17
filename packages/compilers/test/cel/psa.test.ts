/**
 * Ground truth: the 148 Pod Security Admission fixtures of kubernetes/pod-security-admission v1.37
 * (shared/conformance/psa, expectations computed by the upstream PSA library) through the VAP and
 * ValidatingPolicy documents compiled from podsec's bundled PSS policies (policies/pss). A Pod passes a level when no policy of that level
 * denies it. Each policy's CEL verdict is also compared with `evaluatePolicy` on every fixture.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { evaluatePolicy } from '@podsec/ir';
import { pssPolicies } from '@podsec/pss-library';
import { sharedDir } from '../../../../test/support/shared.js';
import { CelHarness } from './harness.js';
import { CEL_TARGETS, emit } from './emitted.js';

interface PsaRecord {
  file: string;
  level: 'baseline' | 'restricted';
  expect: 'pass' | 'fail';
  check: string;
}

const records = JSON.parse(readFileSync(sharedDir('conformance', 'psa', 'index.json'), 'utf8')) as PsaRecord[];
describe.each(CEL_TARGETS)('PSA v1.37 conformance through the compiled $name documents', ({ target, policyDoc }) => {
  const policies = pssPolicies().map((p) => {
    const { docs, manifest } = emit(target, p.ir);
    return { ir: p.ir, harness: new CelHarness(policyDoc(docs).spec as never), ruleIds: manifest.rules as string[] };
  });

  it('has the fixtures and policies of both levels', () => {
    expect(records).toHaveLength(148);
    for (const level of ['baseline', 'restricted'] as const) expect(policies.some((p) => p.ir.pss?.levels.includes(level))).toBe(true);
  });

  it.each(records)('$level $expect $file', (record) => {
    const pod = parse(readFileSync(sharedDir('conformance', 'psa', record.file), 'utf8')) as Record<string, unknown>;
    const req = { operation: 'CREATE' as const, object: pod, namespace: 'default', namespaceLabels: {} };
    const denying: string[] = [];
    for (const p of policies.filter((x) => x.ir.pss?.levels.includes(record.level))) {
      const verdict = p.harness.admit(req);
      const expected = evaluatePolicy(p.ir, pod, { operation: 'CREATE', namespace: 'default' });
      const violated = verdict.applies ? verdict.violated.map((i) => p.ruleIds[i]) : [];
      expect({ policy: p.ir.name, violated }).toEqual({ policy: p.ir.name, violated: expected.applies ? expected.violations.map((v) => v.rule) : [] });
      if (violated.length) denying.push(p.ir.name);
    }
    expect({ outcome: denying.length ? 'fail' : 'pass', denying }).toEqual(expect.objectContaining({ outcome: record.expect }));
  });
});
