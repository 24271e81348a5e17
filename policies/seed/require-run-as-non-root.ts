import { all, definePolicy, effective, pod } from '@podsec/dsl';

// Seed 003: runAsNonRoot makes the kubelet refuse to start a container as UID 0. A container's
// own setting wins over the pod's, so a container `false` under a pod `true` is still root.
export default definePolicy({
  name: 'require-run-as-non-root',
  title: 'Require runAsNonRoot',
  description:
    'Every container (including init and ephemeral containers) must run with runAsNonRoot: true, set on the container or inherited from the pod; the pod must not set it to false.',
  severity: 'high',
  mode: 'enforce',
  rules: [
    {
      id: 'run-as-non-root',
      // Alone (no container at fault) it means the pod sets runAsNonRoot=false, as in PSA's reason.
      message: 'runAsNonRoot != true',
      detail: 'must set securityContext.runAsNonRoot=true, or inherit it from the pod',
      require: all(pod('runAsNonRoot').optional.equals(true), effective('runAsNonRoot').equals(true)),
    },
  ],
});
