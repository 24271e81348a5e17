import { describe, expect, it } from '@jest/globals';
import { parsePolicyIR } from '@podsec/ir';
import { container, containerAnnotation, containerName, definePolicy, effective, perContainer, pod, podAnnotation } from '../src/index.js';

describe('perContainer`…`: a rule’s per-container message', () => {
  const define = (containerMessage: ReturnType<typeof perContainer>) =>
    definePolicy({
      name: 'seccomp',
      title: 'seccomp',
      rules: [
        {
          id: 'seccomp',
          message: 'Seccomp profile is not allowed',
          containerMessage,
          require: container('seccompProfile.type').optional.oneOf(['RuntimeDefault']),
        },
      ],
    });

  it('turns the template into IR message parts that survive the IR schema', () => {
    const policy = define(
      perContainer`'${container('seccompProfile.type')}' for '${containerName}' (pod '${pod('seccompProfile.type')}', ${containerAnnotation('container.seccomp.security.alpha.kubernetes.io/')}, ${podAnnotation('seccomp.security.alpha.kubernetes.io/pod')})`,
    );
    expect(policy.ir.rules[0]!.containerMessage).toEqual([
      { kind: 'text', text: "'" },
      { kind: 'field', field: 'seccompProfile.type', scope: 'container' },
      { kind: 'text', text: "' for '" },
      { kind: 'containerName' },
      { kind: 'text', text: "' (pod '" },
      { kind: 'field', field: 'seccompProfile.type', scope: 'pod' },
      { kind: 'text', text: "', " },
      { kind: 'containerAnnotation', keyPrefix: 'container.seccomp.security.alpha.kubernetes.io/' },
      { kind: 'text', text: ', ' },
      { kind: 'annotation', key: 'seccomp.security.alpha.kubernetes.io/pod' },
      { kind: 'text', text: ')' },
    ]);
    expect(parsePolicyIR(JSON.parse(JSON.stringify(policy.ir)), 'seccomp.json')).toEqual(policy.ir);
  });

  it('refuses a value with no single reading per container, and a non-string field', () => {
    expect(() => perContainer`${effective('seccompProfile.type')}`).toThrow(/cannot name an effective field/);
    // @ts-expect-error: runAsUser is a number; messages name string fields only.
    expect(() => define(perContainer`${container('runAsUser')}`)).toThrow(/field "runAsUser" of type integer/);
  });
});
