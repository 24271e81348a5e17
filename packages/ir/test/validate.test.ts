import { describe, expect, it } from '@jest/globals';
import {
  IR_VERSION,
  IRValidationError,
  parsePolicyIR,
  PolicyDefinitionError,
  type Predicate,
  policyIssues,
  validatePolicyIR,
  type Check,
  type PolicyIR,
} from '../src/index.js';

const policy = (...requires: Check[]): PolicyIR => ({
  irVersion: IR_VERSION,
  name: 'p',
  title: 'P',
  description: '',
  severity: 'medium',
  mode: 'enforce',
  source: 'policies/p.ts',
  match: { kinds: ['Pod'], operations: ['CREATE'], namespaces: { include: [], exclude: [] } },
  exemptions: { usernames: [], runtimeClasses: [], namespaces: [] },
  rules: requires.map((require, i) => ({ id: `r${i}`, message: 'm', require })),
});
const each = (field: string, path: string[], scope: 'pod' | 'container' = 'pod'): Check => ({
  kind: 'each',
  field,
  scope,
  path,
  pred: { op: 'absent' },
  absent: 'pass',
});
const messages = (ir: PolicyIR) => policyIssues(ir).map((i) => `${i.where}: ${i.problem}. Fix: ${i.fix}`);

describe('validatePolicyIR: every path a policy names exists in the field table', () => {
  it('an item key typo names the rule, the key and the closest key', () => {
    expect(messages(policy(each('volumes', ['hostPth'])))).toEqual([
      expect.stringMatching(/^rule "r0": item key "hostPth" is not a key of a "volumes" item\. Fix: did you mean "hostPath"\? \(keys: name, configMap, /),
    ]);
  });

  it('a dotted key is refused, with the nested path as the fix', () => {
    expect(messages(policy(each('volumes', ['hostPath.path'])))).toEqual([
      `rule "r0": item key "hostPath.path" is not a key of a "volumes" item; a nested path names one key per step. Fix: write the path as ["hostPath","path"] (DSL: .where('hostPath', 'path'))`,
    ]);
  });

  it('nested paths are checked step by step, and stop at objects podsec does not model', () => {
    expect(policyIssues(policy(each('volumes', ['hostPath', 'path'])))).toEqual([]);
    expect(messages(policy(each('volumes', ['hostPath', 'pth'])))).toEqual([
      expect.stringMatching(/item key "pth" is not a key of "hostPath" in a "volumes" item\. Fix: did you mean "path"\?/),
    ]);
    expect(messages(policy(each('volumes', ['csi', 'nodePublishSecretRef', 'name'])))).toEqual([
      expect.stringMatching(
        /goes below "csi.nodePublishSecretRef" \(object\), whose keys podsec does not model\. Fix: stop the path at "csi.nodePublishSecretRef"/,
      ),
    ]);
    expect(messages(policy(each('ports', ['hostPrt'], 'container')))).toEqual([expect.stringMatching(/did you mean "hostPort"\?/)]);
  });

  it('hasAnyKey keys are item keys too', () => {
    const check: Check = {
      kind: 'each',
      field: 'volumes',
      scope: 'pod',
      path: [],
      pred: { op: 'not', pred: { op: 'hasAnyKey', values: ['hostPath', 'nfss'] } },
      absent: 'pass',
    };
    expect(messages(policy(check))).toEqual([expect.stringMatching(/key "nfss" is not a key of a "volumes" item\. Fix: did you mean "nfs"\?/)]);
  });

  it('item values are type-checked against the item key', () => {
    const check: Check = { kind: 'each', field: 'ports', scope: 'container', path: ['hostPort'], pred: { op: 'equals', value: '0' }, absent: 'pass' };
    expect(messages(policy(check))).toEqual([expect.stringMatching(/"ports" holds number values, but the policy compares it with "0"/)]);
    expect(policyIssues(policy(check), 'ir')).toEqual([]);
  });

  it('an unknown field and a level the field does not have', () => {
    expect(messages(policy({ kind: 'field', field: 'runAsUsr', scope: 'pod', pred: { op: 'present' }, absent: 'fail' }))).toEqual([
      expect.stringMatching(/unknown field "runAsUsr"\. Fix: did you mean "runAsUser"\?/),
    ]);
    expect(
      messages(
        policy({ kind: 'not', check: { kind: 'field', field: 'hostNetwork', scope: 'effective', pred: { op: 'equals', value: true }, absent: 'pass' } }),
      ),
    ).toEqual(['rule "r0": "hostNetwork" exists only on the pod, but is read at effective scope. Fix: use pod("hostNetwork")']);
    expect(messages(policy({ kind: 'field', field: 'privileged', scope: 'pod', pred: { op: 'equals', value: false }, absent: 'pass' }))).toEqual([
      'rule "r0": "privileged" exists only on containers, but is read at pod scope. Fix: use container("privileged")',
    ]);
  });

  it('"each" needs a list and "entries" a string map (IR tier)', () => {
    const eachScalar: Check = { kind: 'each', field: 'runAsUser', scope: 'pod', path: [], pred: { op: 'present' }, absent: 'pass' };
    expect(policyIssues(policy(eachScalar), 'ir')).toEqual([{ where: 'rule "r0"', problem: '"runAsUser" is not a list', fix: 'use a field check' }]);
    const entriesList: Check = { kind: 'entries', field: 'volumes', keyPrefix: '', pred: { op: 'present' } };
    expect(policyIssues(policy(entriesList), 'ir')).toEqual([
      { where: 'rule "r0"', problem: '"volumes" is not a map', fix: 'use annotations(prefix) for annotation maps' },
    ]);
  });

  it('reports every mistake of the policy in one error, not only the first', () => {
    const ir = policy(each('volumes', ['hostPth']), { kind: 'field', field: 'runAsUsr', scope: 'pod', pred: { op: 'present' }, absent: 'fail' });
    ir.title = ' ';
    let err: unknown;
    try {
      validatePolicyIR(ir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyDefinitionError);
    const { issues, message } = err as PolicyDefinitionError;
    expect(issues.map((i) => i.where)).toEqual(['title', 'rule "r0"', 'rule "r1"']);
    expect(message).toMatch(/^policy "p": 3 problems:\n {2}- title: the title is empty/);
    expect(message).toMatch(/\n {2}- rule "r0": item key "hostPth"/);
    expect(message).toMatch(/\n {2}- rule "r1": unknown field "runAsUsr"/);
  });
});

describe('validatePolicyIR: a Localhost profile type must come with its profile', () => {
  const seccomp = (pred: Predicate): Check => ({
    kind: 'field',
    field: 'seccompProfile.type',
    scope: 'effective',
    pred,
    absent: 'fail',
  });
  it.each([
    ['equals', { op: 'equals', value: 'Localhost' }],
    ['oneOf([Localhost])', { op: 'in', values: ['Localhost'] }],
    ['notOneOf the other types', { op: 'notIn', values: ['RuntimeDefault', 'Unconfined'] }],
    [
      'and of both',
      {
        op: 'and',
        of: [
          { op: 'in', values: ['Localhost', 'Unconfined'] },
          { op: 'notIn', values: ['Unconfined'] },
        ],
      },
    ],
  ] as const)('%s', (_name, pred) => {
    expect(messages(policy(seccomp(pred as never)))).toEqual([
      expect.stringMatching(/requires seccompProfile.type Localhost but says nothing about seccompProfile.localhostProfile/),
    ]);
  });
  it('allowing Localhost among others, or naming the profile, is fine', () => {
    expect(policyIssues(policy(seccomp({ op: 'in', values: ['RuntimeDefault', 'Localhost'] })))).toEqual([]);
    const profile: Check = {
      kind: 'field',
      field: 'seccompProfile.localhostProfile',
      scope: 'effective',
      pred: { op: 'prefix', value: 'profiles/' },
      absent: 'fail',
    };
    expect(policyIssues(policy({ kind: 'all', checks: [seccomp({ op: 'in', values: ['Localhost'] }), profile] }))).toEqual([]);
  });
});

describe('parsePolicyIR validates against the field table too', () => {
  it('refuses an ir/*.json file that names an unknown item key, naming the file, rule and key', () => {
    const json = JSON.parse(JSON.stringify(policy(each('volumes', ['hostPth']))));
    expect(() => parsePolicyIR(json, 'build/ir/p.json')).toThrow(IRValidationError);
    expect(() => parsePolicyIR(json, 'build/ir/p.json')).toThrow(
      /^build\/ir\/p\.json: not a valid podsec policy IR:\n {2}- rule "r0": item key "hostPth" is not a key of a "volumes" item\. Fix: did you mean "hostPath"\?/,
    );
  });
  it('reads IR at the IR tier: spellings the authoring checks refuse are valid IR', () => {
    const caps: Check = {
      kind: 'field',
      field: 'capabilities.add',
      scope: 'container',
      pred: { op: 'containsNone', values: ['sys_admin'], normalize: 'capability' },
      absent: 'pass',
    };
    expect(policyIssues(policy(caps), 'ir')).toEqual([]);
    expect(messages(policy(caps))).toEqual([expect.stringMatching(/unknown capability spelling "sys_admin"/)]);
    expect(() => parsePolicyIR(JSON.parse(JSON.stringify(policy(caps))), 'p.json')).not.toThrow();
  });

  it('accepts a valid IR unchanged', () => {
    const ir = policy(each('volumes', ['hostPath', 'path']));
    expect(parsePolicyIR(JSON.parse(JSON.stringify(ir)), 'p.json')).toEqual(ir);
  });
});
