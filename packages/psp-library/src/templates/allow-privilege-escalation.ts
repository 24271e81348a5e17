import { container, parameters } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { exemptImagesParam, instancePolicy } from './common.js';

const p = parameters({ exemptImages: exemptImagesParam() });

/** K8sPSPAllowPrivilegeEscalationContainer: every container says allowPrivilegeEscalation: false. */
export const allowPrivilegeEscalation: PspTemplate = {
  kind: 'K8sPSPAllowPrivilegeEscalationContainer',
  slug: 'allow-privilege-escalation',
  variant: { suffix: 'exempt-registry', spec: { parameters: { exemptImages: ['registry.example/trusted/*'] } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'Privilege escalation (K8sPSPAllowPrivilegeEscalationContainer)',
      description:
        'Every container must set securityContext.allowPrivilegeEscalation: false explicitly — unset counts as allowed, as in gatekeeper-library K8sPSPAllowPrivilegeEscalationContainer; exemptImages skip containers by image.',
      parameters: p,
      exemptImages: p.exemptImages,
      rules: [
        {
          id: 'allow-privilege-escalation',
          message: 'Privilege escalation container is not allowed',
          detail: 'must set securityContext.allowPrivilegeEscalation=false',
          require: container('allowPrivilegeEscalation').required.equals(false),
        },
      ],
    }),
};
