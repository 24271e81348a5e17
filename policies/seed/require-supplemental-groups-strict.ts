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
      message:
        'supplementalGroupsPolicy != Strict: set spec.securityContext.supplementalGroupsPolicy=Strict, as Merge (the default) adds the groups of the image /etc/group silently',
      require: pod('supplementalGroupsPolicy').equals('Strict'),
    },
  ],
});
