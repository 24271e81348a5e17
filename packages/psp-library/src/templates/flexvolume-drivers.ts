import { is, param, parameters, podItems, someOf } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { instancePolicy } from './common.js';

const p = parameters({
  allowedFlexVolumes: param.array(param.object({ driver: param.string({ description: 'The FlexVolume driver name.' }) }), {
    description: 'FlexVolume drivers allowed; unset or empty: none.',
  }),
});

/** K8sPSPFlexVolumes: flexVolume volumes use an allowed driver. */
export const flexvolumeDrivers: PspTemplate = {
  kind: 'K8sPSPFlexVolumes',
  slug: 'flexvolume-drivers',
  variant: { suffix: 'lvm', spec: { parameters: { allowedFlexVolumes: [{ driver: 'example/lvm' }, { driver: 'example/cifs' }] } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'FlexVolume drivers (K8sPSPFlexVolumes)',
      description: "A flexVolume volume's driver must be one of allowedFlexVolumes[].driver (gatekeeper-library K8sPSPFlexVolumes).",
      parameters: p,
      rules: [
        {
          id: 'flexvolume-drivers',
          message: 'FlexVolume driver is not allowed',
          require: podItems('volumes')
            .where('flexVolume', 'driver')
            .optional.is(someOf(p.allowedFlexVolumes, (a) => is.equals<string>(a.get('driver')))),
        },
      ],
    }),
};
