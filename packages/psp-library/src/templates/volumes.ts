import { any, is, param, parameters, podItems } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { instancePolicy } from './common.js';

const p = parameters({
  // Default []: unset allows no volume kind, as upstream (and bindParameters then has a list to inline).
  volumes: param.array(param.string(), {
    description: 'Volume source kinds allowed (e.g. `configMap`, `emptyDir`); `*` allows every kind; unset: none.',
    default: [],
  }),
});

/** K8sPSPVolumeTypes: every pod volume's source kind is allowed. */
export const volumes: PspTemplate = {
  kind: 'K8sPSPVolumeTypes',
  slug: 'volumes',
  variant: {
    suffix: 'restricted',
    spec: { parameters: { volumes: ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'] } },
  },
  policy: (c) =>
    instancePolicy(c, {
      title: 'Volume types (K8sPSPVolumeTypes)',
      description:
        'Every pod volume must be of a kind listed in `volumes` (`*`: any; unset: none) — the kind being the volume key other than `name` (gatekeeper-library K8sPSPVolumeTypes).',
      parameters: p,
      rules: [
        {
          id: 'volume-types',
          message: 'The volume type is not allowed',
          require: any(
            p.volumes.includesAll(['*']),
            podItems('volumes')
              .each()
              .is(is.keysIn(p.volumes, ['name'])),
          ),
        },
      ],
    }),
};
