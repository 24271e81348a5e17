import { container, parameters } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { exemptImagesParam, instancePolicy } from './common.js';

const p = parameters({ exemptImages: exemptImagesParam() });

/** K8sPSPPrivilegedContainer: no container (of any kind) runs privileged. */
export const privilegedContainers: PspTemplate = {
  kind: 'K8sPSPPrivilegedContainer',
  slug: 'privileged-containers',
  variant: { suffix: 'exempt-registry', spec: { parameters: { exemptImages: ['registry.example/trusted/*'] } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'Privileged containers (K8sPSPPrivilegedContainer)',
      description:
        'No container may set securityContext.privileged: true (gatekeeper-library K8sPSPPrivilegedContainer); exemptImages skip containers by image.',
      parameters: p,
      exemptImages: p.exemptImages,
      rules: [
        {
          id: 'privileged',
          message: 'Privileged container is not allowed',
          detail: 'must not set securityContext.privileged=true',
          require: container('privileged').optional.equals(false),
        },
      ],
    }),
};
