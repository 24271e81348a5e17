import { definePolicy, pod } from '@podsec/dsl';

/** GIDs a pod may claim for its volumes: no root group, nothing above the 16-bit range most images use. */
export const FSGROUP_RANGE = { min: 1, max: 65535 } as const;

// Seed 000/003 (security-context.yaml): fsGroup is added to every process's supplementary groups
// and owns the pod's volumes (/data/demo is group 2000). It exists only at pod level; a pod without
// it leaves volume ownership to the image, and fsGroup 0 hands every volume to the root group.
export default definePolicy({
  name: 'require-fsgroup-range',
  title: 'Require fsGroup in the allowed range',
  description: `Pods must set spec.securityContext.fsGroup to a GID from ${FSGROUP_RANGE.min} to ${FSGROUP_RANGE.max}.`,
  severity: 'medium',
  rules: [
    {
      id: 'fsgroup-range',
      message: `fsGroup out of range: spec.securityContext.fsGroup must be a group ID from ${FSGROUP_RANGE.min} to ${FSGROUP_RANGE.max}`,
      require: pod('fsGroup').between(FSGROUP_RANGE.min, FSGROUP_RANGE.max),
    },
  ],
});
