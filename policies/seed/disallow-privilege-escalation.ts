import { container, definePolicy } from '@podsec/dsl';

// Seed 003: allowPrivilegeEscalation controls no_new_privs; it is implicitly true unless a
// container sets it to false, so the field is required, not merely "not true".
export default definePolicy({
  name: 'disallow-privilege-escalation',
  title: 'Disallow privilege escalation',
  description: 'Every container must set securityContext.allowPrivilegeEscalation to false.',
  severity: 'high',
  rules: [
    {
      id: 'privilege-escalation',
      message: 'allowPrivilegeEscalation != false',
      detail: 'must set securityContext.allowPrivilegeEscalation=false',
      require: container('allowPrivilegeEscalation').equals(false),
    },
  ],
});
