import { definePolicy, effective } from '@podsec/dsl';

// Seed 000/003 (security-context.yaml): "runAsGroup … if this field is omitted, the primary group
// ID of the containers will be root(0)", so files the process creates belong to group 0 and it can
// use anything root's group may. The container value wins over the pod's, so each container's
// effective value counts; a pod-level 0 overridden by every container is harmless.
export default definePolicy({
  name: 'require-run-as-group-non-root',
  title: 'Require a non-root primary group',
  description: 'Every container (init and ephemeral included) must run with runAsGroup set to a non-zero GID, on the container or inherited from the pod.',
  severity: 'medium',
  rules: [
    {
      id: 'run-as-group',
      message: 'runAsGroup unset or 0: the primary group is root',
      detail: 'must set securityContext.runAsGroup to a non-zero group ID, or inherit one from the pod',
      require: effective('runAsGroup').atLeast(1),
    },
  ],
});
