/**
 * The worked example of packages/dsl/README.md ("Parameters, items and relations"): the
 * gatekeeper-library K8sPSPHostFilesystem template, as a parameterised podsec policy.
 */
import { all, any, containerItems, definePolicy, not, param, parameters, podItems } from '../src/index.js';

export const hostFilesystemParameters = parameters({
  allowedHostPaths: param.array(
    param.object({
      pathPrefix: param.string({ description: 'The path prefix that the host volume must match.' }),
      readOnly: param.boolean({ description: 'When true, every volumeMount of a matching volume must be readOnly.' }),
    }),
    { description: 'Allowed hostPath prefixes. Unset: no hostPath volume is allowed; an empty list: any is.' },
  ),
});

const p = hostFilesystemParameters;

export const hostFilesystem = definePolicy({
  name: 'psp-host-filesystem',
  title: 'Host filesystem',
  // A drop-in for gatekeeper-library's template: existing K8sPSPHostFilesystem Constraints keep working.
  constraintKind: 'K8sPSPHostFilesystem',
  // gatekeeper-library's PSP templates review CREATE only.
  match: { kinds: ['Pod'], operations: ['CREATE'] },
  parameters: p,
  values: { allowedHostPaths: [{ pathPrefix: '/var/log', readOnly: true }] },
  rules: [
    {
      id: 'allowed-host-paths',
      message: 'HostPath volumes must be under an allowed path prefix, and mounted read-only where the prefix says so.',
      require: podItems('volumes').forEach((volume) =>
        any(
          volume.get('hostPath').absent(),
          // An explicitly empty list puts no restriction on host paths.
          p.allowedHostPaths.required.subsetOf([]),
          p.allowedHostPaths.some((allowed) =>
            all(
              volume.get('hostPath').get('path').pathUnder(allowed.get('pathPrefix')),
              any(
                not(allowed.get('readOnly').equals(true)),
                // The relation: every mount of this volume, in every container, is read-only.
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
});
