/**
 * Admission-level behaviour of the emitted CEL that random equivalence does not reach: every
 * expression type-checks, nothing errors when `object` is null (DELETE), ephemeral containers added
 * through the `pods/ephemeralcontainers` subresource are checked, and bad IR fails with a clear error.
 */
import { describe, expect, it } from '@jest/globals';
import { evaluatePolicy, type PolicyIR } from '@podsec/ir';
import { PolicyCompileError } from '../../src/index.js';
import { compileCelPolicy } from '../../src/cel/index.js';
import { CelHarness, celEnvironment } from './harness.js';
import { celFixtures } from './fixtures.js';
import { CEL_TARGETS, emit } from './emitted.js';

const fixtures = celFixtures();
const fixture = (name: string): PolicyIR => {
  const found = fixtures.find((f) => f.ir.name === name);
  if (!found) throw new Error(`fixture ${name} missing`);
  return structuredClone(found.ir);
};

describe.each(CEL_TARGETS)('$name', ({ target, policyDoc }) => {
  it.each(fixtures)('$file: every expression type-checks, validations and conditions as bool, messages as string', ({ ir }) => {
    const spec = policyDoc(emit(target, ir).docs).spec as { validations: { expression: string; message?: string }[] };
    const harness = new CelHarness(spec as never);
    const expressions = harness.expressions();
    // The apiserver demands a one-line `message` when an expression spans lines, as long ones do.
    for (const v of spec.validations) expect(v.message ?? '').toMatch(/^[^\n\r]+$/);
    const results = expressions.map(({ path, expression }) => ({ path, ...harness.check(expression) }));
    expect(results.filter((r) => !r.valid)).toEqual([]);
    for (const r of results) {
      if (/validations\[\d+\]\.expression|matchConditions/.test(r.path)) expect({ path: r.path, type: r.type }).toEqual({ path: r.path, type: 'bool' });
      if (r.path.endsWith('messageExpression')) expect({ path: r.path, type: r.type }).toEqual({ path: r.path, type: 'string' });
    }
  });

  it.each(fixtures)('$file: match conditions never error when object is null (DELETE)', ({ ir }) => {
    const spec = policyDoc(emit(target, ir).docs).spec as { matchConditions?: { name: string; expression: string }[] };
    const env = celEnvironment();
    for (const c of spec.matchConditions ?? []) {
      const request = { operation: 'DELETE', namespace: 'team-a', userInfo: { username: 'bob' } };
      expect({ name: c.name, result: typeof env.evaluate(c.expression, { object: null, oldObject: { kind: 'Pod' }, request }) }).toEqual({
        name: c.name,
        result: 'boolean',
      });
    }
  });

  it('checks ephemeral containers added through pods/ephemeralcontainers when the policy reviews UPDATE; a CREATE-only policy leaves it alone, as the reference does', () => {
    const createOnly = fixture('cel-host-isolation');
    expect(createOnly.match.operations).toEqual(['CREATE']);
    const rules = createOnly.rules.map((r) => (r.id === 'host-ports' ? { ...r, detail: 'must not set hostPort' } : r));
    const ir = { ...createOnly, rules, match: { ...createOnly.match, operations: ['CREATE', 'UPDATE'] as ('CREATE' | 'UPDATE')[] } };
    const harness = new CelHarness(policyDoc(emit(target, ir).docs).spec as never);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'prod', labels: { app: 'demo' } },
      spec: {
        containers: [{ name: 'app', image: 'nginx' }],
        ephemeralContainers: [{ name: 'debugger', image: 'busybox', ports: [{ containerPort: 80, hostPort: 80 }] }],
      },
    };
    const req = { operation: 'UPDATE' as const, object: pod, namespace: 'prod', namespaceLabels: {}, subResource: 'ephemeralcontainers' };
    expect(harness.admit(req)).toEqual({
      applies: true,
      violated: [ir.rules.findIndex((r) => r.id === 'host-ports')],
      messages: ['hostPort must be unset or 0. (container "debugger" must not set hostPort)'],
    });
    // The reference semantics: an UPDATE, subresource or not, is outside a CREATE-only policy.
    expect(evaluatePolicy(createOnly, pod, req)).toEqual({ applies: false, reason: 'operation not matched' });
    expect(new CelHarness(policyDoc(emit(target, createOnly).docs).spec as never).admit(req)).toMatchObject({ applies: false });
  });
});

describe('bad IR', () => {
  const base = fixture('cel-run-as-non-root');

  it('rejects empty username and runtime-class exemptions, which no request can match', () => {
    const ir = structuredClone(base);
    ir.exemptions.usernames = ['alice', ''];
    expect(() => compileCelPolicy(ir)).toThrow(/exemptions.usernames\[1\] is the empty string.*remove it/);
    expect(() => compileCelPolicy(ir)).toThrow(PolicyCompileError);
    ir.exemptions.usernames = [];
    ir.exemptions.runtimeClasses = [''];
    expect(() => compileCelPolicy(ir)).toThrow(/exemptions.runtimeClasses\[0\] is the empty string/);
  });

  it('rejects a lone surrogate in a predicate value, naming the rule', () => {
    const ir = structuredClone(base);
    ir.rules[0]!.require = { kind: 'field', field: 'seccompProfile.type', scope: 'pod', pred: { op: 'equals', value: 'x\udc00' }, absent: 'pass' };
    expect(() => compileCelPolicy(ir)).toThrow(/rules\[0\] \(run-as-non-root\): .*lone UTF-16 surrogate/);
  });

  it('rejects an unsupported predicate operator as unsupported', () => {
    const ir = structuredClone(base);
    ir.rules[0]!.require = { kind: 'field', field: 'runAsUser', scope: 'pod', pred: { op: 'regex', value: 'x' } as never, absent: 'pass' };
    expect(() => compileCelPolicy(ir)).toThrow(/unsupported predicate operator "regex"/);
  });
});
