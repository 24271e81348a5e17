import { describe, expect, it } from '@jest/globals';
import { evaluatePolicy, type PolicyIR, type Rule, renderRuleMessage, validatePolicyIR } from '../src/index.js';

const base: Omit<PolicyIR, 'rules'> = {
  irVersion: 1,
  name: 'msg',
  title: 'msg',
  description: '',
  severity: 'high',
  mode: 'enforce',
  source: 'test',
  match: { kinds: ['Pod'], operations: ['CREATE', 'UPDATE'], namespaces: { include: [], exclude: [] } },
  exemptions: { usernames: [], runtimeClasses: [], namespaces: [] },
};

const escalation: Rule = {
  id: 'escalation',
  message: 'allowPrivilegeEscalation != false',
  detail: 'must set securityContext.allowPrivilegeEscalation=false',
  require: { kind: 'field', field: 'allowPrivilegeEscalation', scope: 'container', pred: { op: 'equals', value: false }, absent: 'fail' },
};
const runAsNonRoot: Rule = {
  id: 'non-root',
  message: 'runAsNonRoot != true',
  detail: 'must set securityContext.runAsNonRoot=true',
  require: { kind: 'field', field: 'runAsNonRoot', scope: 'effective', pred: { op: 'equals', value: true }, absent: 'fail' },
};
const hostNetworkOrEscalation: Rule = {
  id: 'mixed',
  message: 'host network or escalation',
  detail: 'must set securityContext.allowPrivilegeEscalation=false',
  require: {
    kind: 'all',
    checks: [{ kind: 'field', field: 'hostNetwork', scope: 'pod', pred: { op: 'equals', value: false }, absent: 'pass' }, escalation.require],
  },
};

const pod = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });
const messages = (rule: Rule, object: unknown, extra: Partial<PolicyIR> = {}) => {
  const v = evaluatePolicy({ ...base, ...extra, rules: [rule] }, object);
  return v.applies ? v.violations.map((x) => x.message) : ['(not applied)'];
};
const esc = (name: string, value?: boolean) => ({
  name,
  image: `${name}:1`,
  ...(value === undefined ? {} : { securityContext: { allowPrivilegeEscalation: value } }),
});

describe('one message per rule, naming the offending containers', () => {
  it('renders PSA-style singular and plural forms', () => {
    expect(renderRuleMessage(escalation, ['a'])).toBe(
      'allowPrivilegeEscalation != false (container "a" must set securityContext.allowPrivilegeEscalation=false)',
    );
    expect(renderRuleMessage(escalation, ['a', 'b'])).toBe(
      'allowPrivilegeEscalation != false (containers "a", "b" must set securityContext.allowPrivilegeEscalation=false)',
    );
    expect(renderRuleMessage(escalation, [])).toBe('allowPrivilegeEscalation != false');
    expect(renderRuleMessage({ message: 'plain' }, ['a'])).toBe('plain');
  });

  it('names init, regular and ephemeral containers in that order, and only the offending ones', () => {
    const object = pod({ ephemeralContainers: [esc('e')], containers: [esc('ok', false), esc('c1', true), esc('c2')], initContainers: [esc('i')] });
    expect(messages(escalation, object)).toEqual([
      'allowPrivilegeEscalation != false (containers "i", "c1", "c2", "e" must set securityContext.allowPrivilegeEscalation=false)',
    ]);
  });

  it('a pod-level value that satisfies every container names none of them; a container override is named', () => {
    const object = pod({ securityContext: { runAsNonRoot: true }, containers: [{ name: 'a' }, { name: 'b', securityContext: { runAsNonRoot: false } }] });
    expect(messages(runAsNonRoot, object)).toEqual(['runAsNonRoot != true (container "b" must set securityContext.runAsNonRoot=true)']);
  });

  it('a pod-level fault reports the message alone, not every container', () => {
    const object = pod({ hostNetwork: true, containers: [esc('a', false), esc('b', false)] });
    expect(messages(hostNetworkOrEscalation, object)).toEqual(['host network or escalation']);
  });

  it('containers with exempt images are never named', () => {
    const object = pod({ containers: [esc('a'), { ...esc('b'), image: 'safe.io/b:1' }] });
    expect(messages(escalation, object, { exemptImages: ['safe.io/*'] })).toEqual([
      'allowPrivilegeEscalation != false (container "a" must set securityContext.allowPrivilegeEscalation=false)',
    ]);
  });

  it('a nameless container is named by the empty string', () => {
    expect(messages(escalation, pod({ containers: [{ image: 'x' }] }))).toEqual([
      'allowPrivilegeEscalation != false (container "" must set securityContext.allowPrivilegeEscalation=false)',
    ]);
  });

  it('a detail on a rule that checks no container is rejected', () => {
    const rule: Rule = {
      id: 'r',
      message: 'm',
      detail: 'd',
      require: { kind: 'field', field: 'hostNetwork', scope: 'pod', pred: { op: 'equals', value: false }, absent: 'pass' },
    };
    expect(() => validatePolicyIR({ ...base, rules: [rule] })).toThrow(/detail but no container-scoped check/);
  });
});

describe('a containerMessage: one text per offending container, in an existing engine’s wording', () => {
  const seccompType: Rule = {
    id: 'seccomp',
    message: 'Seccomp profile is not allowed',
    containerMessage: [
      { kind: 'text', text: "Seccomp profile '" },
      { kind: 'field', field: 'seccompProfile.type', scope: 'container' },
      { kind: 'text', text: "' is not allowed for container '" },
      { kind: 'containerName' },
      { kind: 'text', text: "'. Pod default: '" },
      { kind: 'field', field: 'seccompProfile.type', scope: 'pod' },
      { kind: 'text', text: "', annotation: '" },
      { kind: 'containerAnnotation', keyPrefix: 'container.seccomp.security.alpha.kubernetes.io/' },
      { kind: 'text', text: "', pod annotation: '" },
      { kind: 'annotation', key: 'seccomp.security.alpha.kubernetes.io/pod' },
      { kind: 'text', text: "'" },
    ],
    require: { kind: 'field', field: 'seccompProfile.type', scope: 'container', pred: { op: 'in', values: ['RuntimeDefault'] }, absent: 'pass' },
  };
  const withProfile = (name: string, type: string) => ({ name, image: 'x', securityContext: { seccompProfile: { type } } });

  it('renders each offending container’s values, joins them in PSA order, and reads unset values as empty', () => {
    const object = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        annotations: { 'container.seccomp.security.alpha.kubernetes.io/b': 'unconfined', 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' },
      },
      spec: { containers: [withProfile('a', 'RuntimeDefault'), withProfile('b', 'Unconfined')], initContainers: [withProfile('i', 'Localhost')] },
    };
    expect(messages(seccompType, object)).toEqual([
      "Seccomp profile 'Localhost' is not allowed for container 'i'. Pod default: '', annotation: '', pod annotation: 'runtime/default'; " +
        "Seccomp profile 'Unconfined' is not allowed for container 'b'. Pod default: '', annotation: 'unconfined', pod annotation: 'runtime/default'",
    ]);
  });

  it('a rule with a containerMessage and no container-scoped check, a detail as well, or a non-string field is rejected', () => {
    const podOnly: Rule = {
      ...seccompType,
      require: { kind: 'field', field: 'hostNetwork', scope: 'pod', pred: { op: 'equals', value: false }, absent: 'pass' },
    };
    expect(() => validatePolicyIR({ ...base, rules: [podOnly] })).toThrow(/containerMessage but no container-scoped check/);
    expect(() => validatePolicyIR({ ...base, rules: [{ ...seccompType, detail: 'd' }] })).toThrow(/both a detail and a containerMessage/);
    const numeric: Rule = { ...seccompType, containerMessage: [{ kind: 'field', field: 'runAsUser', scope: 'container' }] };
    expect(() => validatePolicyIR({ ...base, rules: [numeric] })).toThrow(/field "runAsUser" of type integer/);
  });
});
