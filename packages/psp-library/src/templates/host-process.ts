import { all, container, parameters, pod } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { exemptImagesParam, instancePolicy } from './common.js';

const p = parameters({ exemptImages: exemptImagesParam() });

/** K8sPSPHostProcess: no Windows HostProcess pod or container. */
export const hostProcess: PspTemplate = {
  kind: 'K8sPSPHostProcess',
  slug: 'host-process',
  variant: { suffix: 'exempt-registry', spec: { parameters: { exemptImages: ['registry.example/trusted/*'] } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'Windows HostProcess (K8sPSPHostProcess)',
      description:
        'Neither the pod nor any container may set securityContext.windowsOptions.hostProcess: true (gatekeeper-library K8sPSPHostProcess). exemptImages skip containers by image; the pod-level setting is checked whatever the images.',
      parameters: p,
      exemptImages: p.exemptImages,
      rules: [
        {
          id: 'host-process',
          message: 'HostProcess container is not allowed',
          detail: 'must not set securityContext.windowsOptions.hostProcess=true',
          require: all(pod('windowsOptions.hostProcess').optional.equals(false), container('windowsOptions.hostProcess').optional.equals(false)),
        },
      ],
    }),
};
