import { definePolicy, pod } from '@podsec/dsl';

// Seed 003 (fsGroupChangePolicy): with the default (Always) the kubelet re-chowns every file of
// every volume on each mount, which slows large volumes' start-up; OnRootMismatch only does it when
// the volume root's owner differs. A recommendation, not a security boundary: warn mode. It only
// matters when fsGroup is set, since the policy has nothing to change otherwise.
export default definePolicy({
  name: 'recommend-fsgroup-on-root-mismatch',
  title: 'Recommend fsGroupChangePolicy: OnRootMismatch',
  description:
    'Pods that set fsGroup should set spec.securityContext.fsGroupChangePolicy to OnRootMismatch, so volume ownership is only changed when the volume root does not match.',
  severity: 'low',
  mode: 'warn',
  rules: [
    {
      id: 'fsgroup-change-policy',
      message:
        'fsGroupChangePolicy != OnRootMismatch: set spec.securityContext.fsGroupChangePolicy=OnRootMismatch, as the default (Always) changes the owner of every file on each mount',
      when: pod('fsGroup').present(),
      require: pod('fsGroupChangePolicy').equals('OnRootMismatch'),
    },
  ],
});
