import { all, definePolicy, effective, pod } from '@podsec/dsl';

// Seed 003 (seccomp): RuntimeDefault or a Localhost profile; Unconfined turns filtering off.
// The container setting overrides the pod setting, so each container's effective profile counts.
export default definePolicy({
  name: 'restrict-seccomp-profiles',
  title: 'Restrict seccomp profiles',
  description: 'Every container must run with seccomp profile RuntimeDefault or Localhost, set on the container or inherited from the pod.',
  severity: 'high',
  rules: [
    {
      id: 'seccomp-profile',
      message: 'seccompProfile not RuntimeDefault or Localhost',
      detail: 'must set securityContext.seccompProfile.type to RuntimeDefault or Localhost, or inherit it from the pod',
      require: all(
        pod('seccompProfile.type').optional.oneOf(['RuntimeDefault', 'Localhost']),
        effective('seccompProfile.type').oneOf(['RuntimeDefault', 'Localhost']),
      ),
    },
  ],
});
