/**
 * What one request shares across the policies and rules evaluated on it (engine.ts request state, CEL
 * variable values in cel.ts) changes nothing they decide: each answer is the one a fresh request gives, one
 * policy's context entries never reach another, and a request whose inputs change is built again.
 */
import { describe, expect, it } from '@jest/globals';
import { evaluateKyvernoPolicy, loadKyvernoPolicy, type KyvernoAdmissionRequest } from '../src/index.js';

type Obj = Record<string, unknown>;
const policy = (name: string, rules: Obj[]) =>
  loadKyvernoPolicy(
    { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name }, spec: { validationFailureAction: 'Enforce', rules } },
    `${name}.yaml`,
  );
const match = { any: [{ resources: { kinds: ['Pod'] } }] };
const pod = (runAsUser: number, names: string[]): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns' },
  spec: { securityContext: { runAsUser }, containers: names.map((n) => ({ name: n })) },
});

const withContext = policy('with-context', [
  {
    name: 'sets-x',
    match,
    context: [{ name: 'x', variable: { jmesPath: 'request.object.spec.securityContext.runAsUser' } }],
    validate: { message: 'x is {{ x }}', deny: { conditions: { any: [{ key: '{{ x }}', operator: 'Equals', value: 0 }] } } },
  },
]);
const readsX = policy('reads-x', [
  { name: 'reads-x', match, validate: { message: 'saw {{ x }}', deny: { conditions: { any: [{ key: '{{ x }}', operator: 'Equals', value: 0 }] } } } },
]);
const celVars = (name: string, filter: string) => ({
  name,
  match,
  validate: {
    message: name,
    cel: {
      variables: [
        { name: 'containers', expression: 'has(object.spec.containers) ? object.spec.containers : []' },
        { name: 'offending', expression: `variables.containers.filter(c, ${filter}).map(c, c.name)` },
      ],
      expressions: [{ expression: 'size(variables.offending) == 0', messageExpression: "'offending: ' + variables.offending.join(', ')" }],
    },
  },
});
const cel = policy('cel', [celVars('no-a', "c.name == 'a'"), celVars('no-b', "c.name == 'b'")]);
// Same leading variable expression under another name: must not take the other block's values.
const celRenamed = policy('cel-renamed', [
  {
    name: 'renamed',
    match,
    validate: {
      cel: {
        variables: [
          { name: 'list', expression: 'has(object.spec.containers) ? object.spec.containers : []' },
          { name: 'containers', expression: '[1, 2, 3]' },
        ],
        expressions: [{ expression: 'size(variables.containers) == 3 && size(variables.list) < 3', message: 'renamed' }],
      },
    },
  },
]);

const all = [withContext, readsX, cel, celRenamed];
const summary = (request: () => KyvernoAdmissionRequest) =>
  all.map((p) => evaluateKyvernoPolicy(p, request()).map((r) => `${r.rule} ${r.status} ${r.message}`));

describe('one request evaluated by many policies', () => {
  it('decides as a fresh request per policy does, in either order', () => {
    for (const object of [pod(0, ['a', 'b', 'c']), pod(7, ['c']), pod(3, [])]) {
      const fresh = summary(() => ({ operation: 'CREATE', object: object as never }));
      const shared: KyvernoAdmissionRequest = { operation: 'CREATE', object: object as never };
      expect(summary(() => shared)).toEqual(fresh);
      expect([...all].reverse().map((p) => evaluateKyvernoPolicy(p, shared).map((r) => `${r.rule} ${r.status} ${r.message}`))).toEqual([...fresh].reverse());
    }
  });
  it('a context entry of one policy is unknown to the next', () => {
    const shared: KyvernoAdmissionRequest = { operation: 'CREATE', object: pod(0, ['a']) as never };
    expect(evaluateKyvernoPolicy(withContext, shared).map((r) => r.status)).toEqual(['fail']);
    const [r] = evaluateKyvernoPolicy(readsX, shared);
    expect(r?.status).toBe('error');
    expect(r?.message).toContain('Unknown key "x"');
  });
  it('CEL variables are shared only between identical declarations', () => {
    const shared: KyvernoAdmissionRequest = { operation: 'CREATE', object: pod(1, ['a', 'b', 'x']) as never };
    expect(evaluateKyvernoPolicy(cel, shared).map((r) => `${r.status} ${r.message}`)).toEqual(['fail offending: a', 'fail offending: b']);
    expect(evaluateKyvernoPolicy(celRenamed, shared).map((r) => r.status)).toEqual(['fail']);
    const two: KyvernoAdmissionRequest = { operation: 'CREATE', object: pod(1, ['x']) as never };
    expect(evaluateKyvernoPolicy(celRenamed, two).map((r) => r.status)).toEqual(['pass']);
  });
  it('CEL variables shared by blocks that differ only after them decide as fresh requests do', () => {
    const celRule = (name: string, variables: Obj[], expression: string) => ({
      name,
      match,
      validate: { message: name, cel: { variables, expressions: [{ expression }] } },
    });
    const containers = { name: 'containers', expression: 'has(object.spec.containers) ? object.spec.containers : []' };
    // `x` reads a later name: a runtime error where `later` is declared, a compile error where it is not.
    const x = { name: 'x', expression: 'variables.later' };
    const y = { name: 'y', expression: "variables.x == 'a'" };
    const rules = [
      celRule('named-a', [containers, { name: 'a', expression: 'size(variables.containers)' }], 'variables.a < 2'),
      celRule('named-b', [containers, { name: 'b', expression: 'size(variables.containers) * 2' }], 'variables.b < 4'),
      celRule('later-declared', [x, y, { name: 'later', expression: "'a'" }], 'variables.y'),
      celRule('later-undeclared', [x, y], 'variables.y'),
    ];
    const blocks = policy('blocks', rules);
    const fresh = (object: Obj) =>
      rules.map((r) => {
        const one = policy('blocks', [r]);
        const [res] = evaluateKyvernoPolicy(one, { operation: 'CREATE', object: object as never });
        return `${res?.rule} ${res?.status} ${res?.message}`;
      });
    for (const object of [pod(0, ['a']), pod(0, ['a', 'b'])]) {
      const shared: KyvernoAdmissionRequest = { operation: 'CREATE', object: object as never };
      const got = evaluateKyvernoPolicy(blocks, shared).map((r) => `${r.rule} ${r.status} ${r.message}`);
      expect(got).toEqual(fresh(object));
    }
    const [declared, undeclared] = evaluateKyvernoPolicy(blocks, { operation: 'CREATE', object: pod(0, []) as never }).slice(2);
    expect(declared?.message).toMatch(/No such key: later$/);
    expect(undeclared?.message).toContain("undeclared reference to 'variables.later'");
  });
  it('a request whose object is replaced is evaluated on the new object', () => {
    const request: KyvernoAdmissionRequest = { operation: 'CREATE', object: pod(0, ['a']) as never };
    expect(evaluateKyvernoPolicy(withContext, request).map((r) => r.status)).toEqual(['fail']);
    expect(evaluateKyvernoPolicy(cel, request).map((r) => r.status)).toEqual(['fail', 'pass']);
    request.object = pod(5, ['b']) as never;
    expect(evaluateKyvernoPolicy(withContext, request).map((r) => r.status)).toEqual(['pass']);
    expect(evaluateKyvernoPolicy(cel, request).map((r) => r.status)).toEqual(['pass', 'fail']);
  });
});
