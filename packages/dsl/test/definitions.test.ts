import { describe, expect, it } from '@jest/globals';
import { parsePolicyIR } from '@podsec/ir';
import {
  all,
  annotations,
  any,
  container,
  containerItems,
  definePolicy,
  effective,
  is,
  not,
  pod,
  podItems,
  PolicyDefinitionError,
  type RuleDefinition,
} from '../src/index.js';

const base = { name: 'p', title: 'P' };
const one = (rule: Partial<RuleDefinition> & Pick<RuleDefinition, 'require'>) => definePolicy({ ...base, rules: [{ id: 'r', message: 'm', ...rule }] });

function definitionError(f: () => unknown): PolicyDefinitionError {
  try {
    f();
  } catch (e) {
    if (e instanceof PolicyDefinitionError) return e;
    throw e;
  }
  throw new Error('expected a PolicyDefinitionError');
}

describe('definePolicy → IR', () => {
  it('fills defaults: every Pod kind, CREATE+UPDATE, enforce, medium', () => {
    const { ir } = one({ require: pod('hostNetwork').optional.equals(false) });
    expect(ir.match.kinds).toEqual(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);
    expect(ir.match.operations).toEqual(['CREATE', 'UPDATE']);
    expect(ir.mode).toBe('enforce');
    expect(ir.severity).toBe('medium');
    expect(ir.rules[0]!.require).toEqual({ kind: 'field', field: 'hostNetwork', scope: 'pod', pred: { op: 'equals', value: false }, absent: 'pass' });
  });

  it('produces IR that validates against the IR JSON schema and survives a JSON round trip', () => {
    const { ir } = definePolicy({
      ...base,
      pss: { check: 'capabilities_restricted', control: 'Capabilities', levels: ['restricted'] },
      match: { namespaces: { exclude: ['b', 'a', 'a'] }, objectSelector: { matchLabels: { app: 'x' } } },
      exemptions: { usernames: ['system:serviceaccount:kube-system:ci'], runtimeClasses: ['gvisor'] },
      rules: [
        {
          id: 'caps',
          message: 'drop ALL, add at most NET_BIND_SERVICE',
          when: not(pod('os.name').equals('windows')),
          require: all(container('capabilities.drop').includesAll(['ALL']), container('capabilities.add').subsetOf(['NET_BIND_SERVICE'])),
        },
        {
          id: 'volumes',
          message: 'v',
          require: podItems('volumes')
            .each()
            .is(is.hasAnyKey(['configMap', 'emptyDir'])),
        },
        { id: 'ports', message: 'p', require: containerItems('ports').where('hostPort').optional.oneOf([0]) },
        {
          id: 'apparmor',
          message: 'a',
          require: annotations('container.apparmor.security.beta.kubernetes.io/').every(is.anyOf(is.oneOf(['runtime/default']), is.startsWith('localhost/'))),
        },
        { id: 'any', message: 'x', require: any(effective('runAsUser').atLeast(1), pod('hostUsers').equals(false)) },
      ],
    });
    expect(parsePolicyIR(JSON.parse(JSON.stringify(ir)), 'test')).toEqual(ir);
    expect(ir.match.namespaces.exclude).toEqual(['a', 'b']);
    expect(ir.pss?.version).toBe('v1.37');
  });

  it('natural absent defaults, overridable with optional / required', () => {
    expect(one({ require: container('allowPrivilegeEscalation').equals(false) }).ir.rules[0]!.require).toMatchObject({ absent: 'fail' });
    expect(one({ require: container('privileged').notOneOf([true]) }).ir.rules[0]!.require).toMatchObject({ absent: 'pass' });
    expect(one({ require: container('privileged').optional.equals(false) }).ir.rules[0]!.require).toMatchObject({ absent: 'pass' });
    expect(one({ require: container('capabilities.add').required.subsetOf(['CHOWN']) }).ir.rules[0]!.require).toMatchObject({ absent: 'fail' });
  });

  it('detaches the IR from builder objects', () => {
    const check = pod('hostPID').optional.equals(false);
    const p = one({ require: check });
    (check as { field: string }).field = 'hostIPC';
    expect(p.ir.rules[0]!.require).toMatchObject({ field: 'hostPID' });
  });
});

describe('misuse is reported at definition time, naming policy, rule, field and fix', () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'negative UID',
      () => one({ require: effective('runAsUser').notOneOf([-1]) }),
      /policy "p", rule "r": "runAsUser" is a Linux user\/group ID, but the policy uses -1\. Fix: use a whole number/,
    ],
    ['negative range bound', () => one({ require: pod('fsGroup').between(-5, 10) }), /"fsGroup" is a Linux user\/group ID/],
    [
      'unknown capability spelling',
      () => one({ require: container('capabilities.add').subsetOf(['CAP_NET_BIND_SERVICE']) }),
      /unknown capability spelling "CAP_NET_BIND_SERVICE" in "capabilities.add"\. Fix: write "NET_BIND_SERVICE"/,
    ],
    ['lower-case capability', () => one({ require: container('capabilities.drop').includesAll(['all']) }), /Fix: write "ALL"/],
    ['made-up capability', () => one({ require: container('capabilities.add').subsetOf(['FLY']) }), /Fix: use a name from capabilities\(7\)/],
    ['empty allow-list', () => one({ require: effective('seccompProfile.type').oneOf([]) }), /empty allow-list for "seccompProfile.type": nothing can pass/],
    [
      'Localhost seccomp without profile',
      () => one({ require: effective('seccompProfile.type').equals('Localhost') }),
      /requires seccompProfile.type Localhost but says nothing about seccompProfile.localhostProfile/,
    ],
    ['Localhost AppArmor without profile', () => one({ require: effective('appArmorProfile.type').equals('Localhost') }), /appArmorProfile.localhostProfile/],
    [
      'contradiction',
      () => one({ require: all(pod('supplementalGroupsPolicy').equals('Strict'), pod('supplementalGroupsPolicy').equals('Merge')) }),
      /contradictory constraints on pod "supplementalGroupsPolicy"/,
    ],
    [
      'allowed value also forbidden',
      () => one({ require: all(pod('fsGroupChangePolicy').oneOf(['Always']), pod('fsGroupChangePolicy').notOneOf(['Always'])) }),
      /every allowed value \["Always"\] is also forbidden/,
    ],
    ['empty range', () => one({ require: pod('fsGroup').between(10, 5) }), /range for "fsGroup" is empty \(min 10 > max 5\)/],
    [
      'value outside the enum (untyped JS)',
      () => one({ require: pod('fsGroupChangePolicy').equals('Sometimes' as 'Always') }),
      /"fsGroupChangePolicy" is one of OnRootMismatch, Always/,
    ],
    [
      'wrong value type (untyped JS)',
      () => one({ require: container('privileged').equals('false' as unknown as boolean) }),
      /"privileged" holds boolean values, but the policy compares it with "false"/,
    ],
    [
      'pod-only field at container scope (untyped JS)',
      () => one({ require: container('hostNetwork' as 'privileged').equals(false) }),
      /"hostNetwork" exists only on the pod, but is read at container scope\. Fix: use pod\("hostNetwork"\)/,
    ],
    ['unknown field (untyped JS)', () => one({ require: pod('runAsRoot' as 'runAsUser').equals(1) }), /unknown field "runAsRoot"/],
    [
      'bad name',
      () => definePolicy({ name: 'Bad_Name', title: 't', rules: [{ id: 'r', message: 'm', require: pod('hostPID').optional.equals(false) }] }),
      /policy "Bad_Name", name: "Bad_Name" is not a valid name/,
    ],
    [
      'duplicate rule',
      () =>
        definePolicy({
          ...base,
          rules: [
            { id: 'r', message: 'm', require: pod('hostPID').optional.equals(false) },
            { id: 'r', message: 'm', require: pod('hostIPC').optional.equals(false) },
          ],
        }),
      /duplicate rule id "r"/,
    ],
    ['empty message', () => one({ message: ' ', require: pod('hostPID').optional.equals(false) }), /rule "r": the message is empty/],
    ['empty glob', () => one({ require: effective('seLinuxOptions.type').glob('') }), /an empty glob for "seLinuxOptions.type" matches every value/],
  ];
  it.each(cases)('%s', (_name, f, message) => {
    const err = definitionError(f);
    expect(err.message).toMatch(message);
    expect(err.policy).toBeTruthy();
  });

  it('an item key typo fails at definition, naming policy, rule, key and the closest key', () => {
    const err = definitionError(() =>
      one({
        require: podItems('volumes')
          .where('hostPth' as 'hostPath')
          .absent(),
      }),
    );
    expect(err.message).toMatch(/^policy "p", rule "r": item key "hostPth" is not a key of a "volumes" item\. Fix: did you mean "hostPath"\?/);
  });

  it('a dotted item key fails at definition; the nested path is written one key per step', () => {
    const err = definitionError(() =>
      one({
        require: podItems('volumes')
          .where('hostPath.path' as 'hostPath')
          .absent(),
      }),
    );
    expect(err.message).toBe(
      `policy "p", rule "r": item key "hostPath.path" is not a key of a "volumes" item; a nested path names one key per step. Fix: write the path as ["hostPath","path"] (DSL: .where('hostPath', 'path'))`,
    );
    expect(one({ require: podItems('volumes').where('hostPath', 'path').optional.startsWith('/var/log') }).ir.rules[0]!.require).toMatchObject({
      kind: 'each',
      path: ['hostPath', 'path'],
    });
  });

  it('reports every mistake of a policy at once', () => {
    const err = definitionError(() =>
      definePolicy({
        ...base,
        rules: [
          {
            id: 'a',
            message: 'm',
            require: podItems('volumes')
              .where('hostPth' as 'hostPath')
              .absent(),
          },
          {
            id: 'b',
            message: 'm',
            require: containerItems('ports')
              .where('hostPrt' as 'hostPort')
              .optional.equals(0),
          },
          { id: 'c', message: 'm', require: effective('seccompProfile.type').oneOf(['Localhost']) },
        ],
      }),
    );
    expect(err.issues.map((i) => i.where)).toEqual(['rule "a"', 'rule "b"', 'rule "c"']);
    expect(err.message).toMatch(/^policy "p": 3 problems:\n/);
    expect(err.message).toMatch(/did you mean "hostPort"\?/);
  });

  it('oneOf([Localhost]) needs the profile as much as equals(Localhost)', () => {
    expect(definitionError(() => one({ require: effective('seccompProfile.type').oneOf(['Localhost']) })).message).toMatch(
      /requires seccompProfile.type Localhost but says nothing about seccompProfile.localhostProfile/,
    );
    expect(definitionError(() => one({ require: effective('appArmorProfile.type').notOneOf(['RuntimeDefault', 'Unconfined']) })).message).toMatch(
      /appArmorProfile.localhostProfile/,
    );
  });

  it('accepts Localhost when the profile is constrained in the same rule', () => {
    expect(() =>
      one({ require: all(effective('seccompProfile.type').equals('Localhost'), effective('seccompProfile.localhostProfile').oneOf(['profiles/audit.json'])) }),
    ).not.toThrow();
  });
});
