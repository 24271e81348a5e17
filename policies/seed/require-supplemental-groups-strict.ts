import { definePolicy, pod } from '@podsec/dsl';

// Seed 002: with the default Merge policy the runtime adds groups from the image's /etc/group
// that no admission policy can see; only Strict makes the manifest the whole truth.
export default definePolicy({
  name: 'require-supplemental-groups-strict',
  title: 'Require supplementalGroupsPolicy: Strict',
  description:
    'Pods must set spec.securityContext.supplementalGroupsPolicy to Strict, so groups defined in the container image cannot be attached to the process implicitly (Kubernetes 1.31+).',
  severity: 'medium',
  rules: [
    {
      id: 'supplemental-groups-strict',
      message: 'Set spec.securityContext.supplementalGroupsPolicy to Strict: with Merge (the default) groups from the image /etc/group are added silently.',
      require: pod('supplementalGroupsPolicy').equals('Strict'),
    },
  ],
});
