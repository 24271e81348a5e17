import { all, annotations, container, definePolicy, is, pod } from '@podsec/dsl';

/** Seccomp profiles (paths under the kubelet's seccomp root) the nodes are known to carry. */
export const ALLOWED_SECCOMP_PROFILES = ['my-profiles/profile-allow.json', 'profiles/audit.json'];
/** AppArmor profiles loaded on every node. */
export const ALLOWED_APPARMOR_PROFILES = ['k8s-apparmor-example-deny-write'];

// Seed 000/003 (seccomp, AppArmor): a Localhost profile names a file or profile that must already
// exist on whichever node the pod lands on, and it can be as permissive as Unconfined; only
// reviewed profiles may be named. A container's profile replaces the pod's as a whole object
// (kubelet determineEffectiveSecurityContext), so the pod's and each container's own values are
// checked separately rather than field by field: any profile named anywhere must be allowed.
// The kubelet still honours the legacy AppArmor annotation
// (container.apparmor.security.beta.kubernetes.io/<container>: localhost/<profile>) when the field
// is unset, so a profile named there must be allowed too. (The seccomp annotations are no longer
// honoured by current kubelets; the seccomp rule reads the fields only.)
export default definePolicy({
  name: 'restrict-localhost-profiles',
  title: 'Restrict Localhost seccomp and AppArmor profiles',
  description: `Localhost seccomp profiles must be one of ${ALLOWED_SECCOMP_PROFILES.join(', ')}; Localhost AppArmor profiles one of ${ALLOWED_APPARMOR_PROFILES.join(', ')}.`,
  severity: 'high',
  rules: [
    {
      id: 'seccomp-localhost-profiles',
      message: `Localhost seccomp profile not one of ${ALLOWED_SECCOMP_PROFILES.join(', ')}`,
      detail: 'must not name another in securityContext.seccompProfile.localhostProfile',
      require: all(
        pod('seccompProfile.localhostProfile').optional.oneOf(ALLOWED_SECCOMP_PROFILES),
        container('seccompProfile.localhostProfile').optional.oneOf(ALLOWED_SECCOMP_PROFILES),
      ),
    },
    {
      id: 'apparmor-localhost-profiles',
      message: `Localhost AppArmor profile not one of ${ALLOWED_APPARMOR_PROFILES.join(', ')}`,
      detail: 'must not name another in securityContext.appArmorProfile.localhostProfile or in its container.apparmor.security.beta.kubernetes.io annotation',
      require: all(
        pod('appArmorProfile.localhostProfile').optional.oneOf(ALLOWED_APPARMOR_PROFILES),
        container('appArmorProfile.localhostProfile').optional.oneOf(ALLOWED_APPARMOR_PROFILES),
        annotations('container.apparmor.security.beta.kubernetes.io/').every(
          is.anyOf(is.not(is.startsWith('localhost/')), is.oneOf(ALLOWED_APPARMOR_PROFILES.map((p) => `localhost/${p}`))),
        ),
      ),
    },
  ],
});
