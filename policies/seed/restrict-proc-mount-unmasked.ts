import { container, definePolicy, not, pod } from '@podsec/dsl';

// Seed 003 (procMount): "Setting procMount to Unmasked requires the spec.hostUsers value in the pod
// spec to be false": an unmasked /proc is only tolerable inside a user namespace, where the
// container's root is not the host's.
export default definePolicy({
  name: 'restrict-proc-mount-unmasked',
  title: 'Allow procMount: Unmasked only in a user namespace',
  description: 'Containers may set securityContext.procMount to Unmasked only when the pod sets spec.hostUsers: false.',
  severity: 'high',
  rules: [
    {
      id: 'proc-mount',
      message: 'unmasked procMount outside a user namespace',
      detail: 'must leave securityContext.procMount unset or Default unless the pod sets spec.hostUsers=false',
      when: not(pod('hostUsers').equals(false)),
      require: container('procMount').optional.equals('Default'),
    },
  ],
});
