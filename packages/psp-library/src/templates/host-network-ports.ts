import { all, any, containerItems, param, parameters, pod } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { exemptImagesParam, instancePolicy } from './common.js';

const p = parameters({
  exemptImages: exemptImagesParam(),
  hostNetwork: param.boolean({ description: 'Whether pods may use the host network namespace (hostNetwork: true). Checked whatever the images.' }),
  min: param.integer({ description: 'The smallest hostPort allowed, inclusive.' }),
  max: param.integer({ description: 'The largest hostPort allowed, inclusive.' }),
});

/** K8sPSPHostNetworkingPorts: host network only when allowed; hostPorts within [min, max]. */
export const hostNetworkPorts: PspTemplate = {
  kind: 'K8sPSPHostNetworkingPorts',
  slug: 'host-network-ports',
  variant: { suffix: 'ports-80-9000', spec: { parameters: { hostNetwork: true, min: 80, max: 9000 } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'Host network and ports (K8sPSPHostNetworkingPorts)',
      description:
        'A pod may set hostNetwork: true only when the hostNetwork parameter is true (whatever its images), and every container hostPort must be within [min, max] where they are set (gatekeeper-library K8sPSPHostNetworkingPorts); exemptImages skip containers by image for the port check.',
      parameters: p,
      exemptImages: p.exemptImages,
      rules: [
        {
          id: 'host-network',
          message: 'The specified hostNetwork is not allowed',
          require: any(p.hostNetwork.equals(true), pod('hostNetwork').optional.equals(false)),
        },
        {
          id: 'host-ports',
          message: 'The specified hostPort is not allowed',
          detail: 'must set ports[*].hostPort within the allowed range',
          require: all(
            any(p.min.absent(), containerItems('ports').where('hostPort').optional.atLeast(p.min)),
            any(p.max.absent(), containerItems('ports').where('hostPort').optional.atMost(p.max)),
          ),
        },
      ],
    }),
};
