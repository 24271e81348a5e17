/**
 * Results shared between policies on one request (share.ts): an expression is reused only where it computes the
 * same thing, so sharing never changes a decision.
 */
import { describe, expect, it } from '@jest/globals';
import { compileCel, evaluateValidatingAdmissionPolicy, evaluateValidatingPolicy, prepareCelRequest, type AdmissionAttributes } from '../src/index.js';
import { freeReferences, type CelNode } from '../src/ast.js';
import { NAMESPACE_ROOTS } from '../src/env.js';
import { shareKey } from '../src/share.js';

type Obj = Record<string, unknown>;
const POD_RULES = { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE'] }] };

function key(expression: string, flavor: 'vap' | 'vpol' = 'vap', variables: [string, number | undefined][] = []): number | undefined {
  const c = compileCel(
    expression,
    { flavor, hasParams: true, visibleVariables: variables.map(([n]) => n), declaredVariables: variables.map(([n]) => n) },
    { policy: 't', expressionPath: 'e' },
  );
  if (!c.ok) throw new Error(c.diagnostic.message);
  return shareKey(expression, freeReferences(c.program.run.ast as CelNode), flavor, new Map(variables), NAMESPACE_ROOTS);
}

describe('shareKey', () => {
  it('is the same for the same expression over the same inputs, in any policy or flavor', () => {
    expect(key('object.spec.containers.size()')).toBe(key('object.spec.containers.size()', 'vpol'));
    expect(key('size(variables.a) == 0', 'vap', [['a', 7]])).toBe(key('size(variables.a) == 0', 'vpol', [['a', 7]]));
    expect(key('object.spec.containers.all(c, int(c.x) > 0)')).not.toBe(key('object.spec.containers.all(c, int(c.x) > 1)'));
  });

  it('tells variables of the same name apart by what they stand for', () => {
    expect(key('variables.a + 1', 'vap', [['a', 1]])).not.toBe(key('variables.a + 1', 'vap', [['a', 2]]));
  });

  it('keys `request` by flavor: Kyverno adds the objects to it', () => {
    expect(key('has(request.object)')).not.toBe(key('has(request.object)', 'vpol'));
  });

  it('never shares what depends on more than the request', () => {
    expect(key('params.max > 1')).toBeUndefined();
    expect(key('variables.a > 1', 'vap', [['a', undefined]])).toBeUndefined();
    expect(key('size(variables) > 0', 'vap', [['a', 3]])).toBeUndefined();
    // A comprehension variable named like a root is not that root.
    expect(key('object.spec.containers.all(params, params.x)')).toBeDefined();
  });
});

const vap = (name: string, spec: Obj) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name },
  spec: { matchConstraints: POD_RULES, ...spec },
});
const binding = (policyName: string, name = policyName, extra: Obj = {}) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name },
  spec: { policyName, validationActions: ['Deny'], ...extra },
});
const vpol = (name: string, spec: Obj) => ({
  apiVersion: 'policies.kyverno.io/v1',
  kind: 'ValidatingPolicy',
  metadata: { name },
  spec: { matchConstraints: POD_RULES, ...spec },
});
const pod = (spec: Obj): AdmissionAttributes => ({
  operation: 'CREATE',
  object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec },
  oldObject: null,
});

describe('results shared on one request', () => {
  it('are per param object: the same expression text under two bindings decides per param', () => {
    const policy = vap('limit', {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      validations: [{ expression: 'size(object.spec.containers) <= int(params.data.max)' }],
    });
    const params = [1, 5].map((max) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `m${max}`, namespace: 'default' },
      data: { max: String(max) },
    }));
    const bindings = params.map((p) => binding('limit', `b-${p.metadata.name}`, { paramRef: { name: p.metadata.name, namespace: 'default' } }));
    const request = prepareCelRequest(pod({ containers: [{ name: 'a' }, { name: 'b' }] }));
    const d = evaluateValidatingAdmissionPolicy(policy, bindings, request, { paramResources: params });
    expect(d.bindings.map((b) => b.evaluations[0]?.validations[0]?.result)).toEqual(['fail', 'pass']);
  });

  it('keep variable chains apart when an earlier variable differs', () => {
    const chain = (n: number) => ({
      variables: [
        { name: 'a', expression: String(n) },
        { name: 'b', expression: 'variables.a + 1' },
      ],
      validations: [{ expression: 'variables.b == 3' }],
    });
    const request = prepareCelRequest(pod({ containers: [] }));
    expect(evaluateValidatingPolicy(vpol('two', chain(2)), request).status).toBe('pass');
    expect(evaluateValidatingPolicy(vpol('five', chain(5)), request).status).toBe('fail');
    expect(evaluateValidatingAdmissionPolicy(vap('two', chain(2)), [binding('two')], request).allowed).toBe(true);
    expect(evaluateValidatingAdmissionPolicy(vap('five', chain(5)), [binding('five')], request).allowed).toBe(false);
  });

  it('keep errors where they are read: an unused failing variable fails no policy, a used one fails each', () => {
    const failing = { name: 'bad', expression: 'object.spec.missing' };
    const unused = { variables: [failing], validations: [{ expression: 'true' }] };
    const used = { variables: [failing], validations: [{ expression: 'variables.bad == 1' }] };
    const request = prepareCelRequest(pod({}));
    expect(evaluateValidatingPolicy(vpol('unused', unused), request).status).toBe('pass');
    const first = evaluateValidatingPolicy(vpol('used', used), request);
    const again = evaluateValidatingPolicy(vpol('used-too', used), request);
    expect(first.status).toBe('error');
    expect(again.error).toEqual(first.error);
    expect(evaluateValidatingPolicy(vpol('unused-after', unused), request).status).toBe('pass');
  });
});

describe('the lazily bound variables map', () => {
  const spec = (validation: string) => ({
    variables: [
      { name: 'ok', expression: "'x'" },
      { name: 'bad', expression: 'object.spec.missing' },
    ],
    validations: [{ expression: validation }],
  });
  const decide = (validation: string) => {
    const r = evaluateValidatingPolicy(vpol('v', spec(validation)), pod({}));
    return r.status === 'error' ? `error: ${r.error?.message}` : r.status;
  };

  it('is a map to CEL: size, key listing, presence and index reads', () => {
    expect(decide('size(variables) == 2')).toBe('pass');
    expect(decide("variables.all(k, k in ['ok', 'bad'])")).toBe('pass');
    expect(decide("'ok' in variables && !('other' in variables)")).toBe('pass');
    expect(decide('has(variables.ok)')).toBe('pass');
    expect(decide("variables['ok'] == 'x'")).toBe('pass');
    expect(decide('type(variables) == map')).toBe('pass');
    expect(decide("variables['other'] == 'x'")).toMatch(/^error: .*other/);
  });

  it('evaluates a variable only where it is read, and raises its error there', () => {
    expect(decide("variables.ok == 'x' || variables.bad == 1")).toBe('pass');
    expect(decide("variables.ok == 'y' || variables.bad == 1")).toMatch(/^error: .*missing/);
    expect(decide('variables.map(k, k).size() == 2')).toBe('pass');
  });

  it('lists every variable in declaration order, whichever was read first', () => {
    const spec = {
      variables: [
        { name: 'first', expression: '1' },
        { name: 'second', expression: 'variables.first + 1' },
        { name: 'bad', expression: 'object.spec.missing' },
      ],
      validations: [
        { expression: 'variables.second == 2' },
        { expression: "variables.map(k, k) == ['first', 'second', 'bad'] && variables.second == 2" },
        { expression: "variables.filter(k, k != 'bad').all(k, variables[k] > 0)" },
        { expression: "variables['bad'] == 1" },
      ],
    };
    const d = evaluateValidatingAdmissionPolicy(vap('order', spec), [binding('order')], pod({}));
    expect(d.bindings[0]?.evaluations[0]?.validations.map((v) => v.result)).toEqual(['pass', 'pass', 'pass', 'error']);
  });
});

describe('match answers kept on one request', () => {
  it('are per constraint content: policies with other constraints decide for themselves', () => {
    const rules = (resources: string[], extra: Obj = {}) => ({
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources, operations: ['CREATE'] }], ...extra },
      validations: [{ expression: 'false' }],
    });
    const request = prepareCelRequest(pod({ containers: [] }));
    const decide = (name: string, spec: Obj) => evaluateValidatingAdmissionPolicy(vap(name, spec), [binding(name)], request).matched;
    expect(decide('pods', rules(['pods']))).toBe(true);
    expect(decide('pods-again', rules(['pods']))).toBe(true);
    expect(decide('services', rules(['services']))).toBe(false);
    expect(decide('other-namespaces', rules(['pods'], { namespaceSelector: { matchLabels: { team: 'a' } } }))).toBe(false);
    expect(evaluateValidatingPolicy(vpol('services', rules(['services'])), request).skipReason).toBe('not-matched');
    expect(evaluateValidatingPolicy(vpol('pods', rules(['pods'])), request).status).toBe('fail');
  });
});
