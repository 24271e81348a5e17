import { container, containerName, parameters, perContainer } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { exemptImagesParam, instancePolicy } from './common.js';

const p = parameters({ exemptImages: exemptImagesParam() });

/** K8sPSPReadOnlyRootFilesystem: every container mounts its root filesystem read-only. */
export const readOnlyRootFilesystem: PspTemplate = {
  kind: 'K8sPSPReadOnlyRootFilesystem',
  slug: 'read-only-root-filesystem',
  variant: { suffix: 'exempt-registry', spec: { parameters: { exemptImages: ['registry.example/trusted/*'] } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'Read-only root filesystem (K8sPSPReadOnlyRootFilesystem)',
      description:
        'Every container must set securityContext.readOnlyRootFilesystem: true (gatekeeper-library K8sPSPReadOnlyRootFilesystem); exemptImages skip containers by image.',
      parameters: p,
      exemptImages: p.exemptImages,
      rules: [
        {
          id: 'read-only-root-filesystem',
          message: 'only read-only root filesystem container is allowed',
          // gatekeeper-library's wording, one text per offending container.
          containerMessage: perContainer`only read-only root filesystem container is allowed: ${containerName}`,
          require: container('readOnlyRootFilesystem').required.equals(true),
        },
      ],
    }),
};
