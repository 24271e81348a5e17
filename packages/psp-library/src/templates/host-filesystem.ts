import { all, any, containerItems, not, param, parameters, podItems } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { instancePolicy } from './common.js';

const p = parameters({
  allowedHostPaths: param.array(
    param.object({
      pathPrefix: param.string({ description: 'The host path prefix a hostPath volume must be under (segment-wise: `/foo` admits `/foo/bar`, not `/food`).' }),
      readOnly: param.boolean({ description: 'When true, every container mount of a volume under this prefix must be readOnly: true.' }),
    }),
    { description: 'Host paths hostPath volumes may use; unset or empty: none.' },
  ),
});

/** K8sPSPHostFilesystem: hostPath volumes only under allowed prefixes, read-only where required. */
export const hostFilesystem: PspTemplate = {
  kind: 'K8sPSPHostFilesystem',
  slug: 'host-filesystem',
  variant: { suffix: 'var-log-read-only', spec: { parameters: { allowedHostPaths: [{ pathPrefix: '/var/log', readOnly: true }] } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'Host filesystem (K8sPSPHostFilesystem)',
      description:
        'A hostPath volume is allowed when an allowedHostPaths entry’s pathPrefix contains its path and either the entry is not readOnly or every container mounts the volume with readOnly: true (gatekeeper-library K8sPSPHostFilesystem). No entries: no hostPath volume.',
      parameters: p,
      rules: [
        {
          id: 'host-filesystem',
          message: 'HostPath volume is not allowed',
          detail: 'must mount the hostPath volume with readOnly: true',
          require: podItems('volumes').forEach((volume) =>
            any(
              volume.get('hostPath').absent(),
              p.allowedHostPaths.some((entry) =>
                all(
                  volume.get('hostPath').get('path').pathUnder(entry.get('pathPrefix')),
                  any(
                    not(entry.get('readOnly').equals(true)),
                    containerItems('volumeMounts').forEach((mount) =>
                      any(not(mount.get('name').equalsRef(volume.get('name'))), mount.get('readOnly').equals(true)),
                    ),
                  ),
                ),
              ),
            ),
          ),
        },
      ],
    }),
};
