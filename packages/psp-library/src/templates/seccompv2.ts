import { any, container, containerName, effective, is, param, parameters, perContainer, pod, someOf } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { exemptImagesParam, instancePolicy } from './common.js';

const p = parameters({
  exemptImages: exemptImagesParam(),
  allowedProfiles: param.array(param.string(), {
    description:
      'Allowed seccompProfile types: `RuntimeDefault`, `Unconfined`, `Localhost` (files from allowedLocalhostFiles), `not configured` (no profile set), or `*` for any.',
  }),
  allowedLocalhostFiles: param.array(param.string(), { description: 'Allowed localhostProfile files for `Localhost`: exact, or prefixes ending with `*`.' }),
});

const allowAll = p.allowedProfiles.includesAll(['*']);
/** The container's own profile wins over the pod's: the pod's is judged for containers that set none. */
const containerSet = container('seccompProfile.type').present();

/** K8sPSPSeccompV2: each container's effective seccompProfile is allowed. */
export const seccompv2: PspTemplate = {
  kind: 'K8sPSPSeccompV2',
  slug: 'seccompv2',
  variant: { suffix: 'restricted', spec: { parameters: { allowedProfiles: ['RuntimeDefault', 'Localhost'], allowedLocalhostFiles: ['*'] } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'Seccomp profiles (K8sPSPSeccompV2)',
      description:
        'Each container’s effective securityContext.seccompProfile (its own, else the pod’s) must be of an allowed type — `not configured` allows none set — and a Localhost profile’s file must match allowedLocalhostFiles (gatekeeper-library K8sPSPSeccompV2). One rule per place the profile is found (container securityContext, pod securityContext, none), so each message says where, as upstream’s does. Approximation: allowedProfiles entries in the annotation spelling (`runtime/default`, `localhost/<file>`) are not translated, and the file check applies to any localhostProfile that is set. exemptImages skip containers by image.',
      parameters: p,
      exemptImages: p.exemptImages,
      rules: [
        {
          id: 'container-profile',
          message: 'Seccomp profile is not allowed',
          containerMessage: perContainer`Seccomp profile '${container('seccompProfile.type')}' is not allowed for container '${containerName}'. Found at: container securityContext.`,
          require: any(allowAll, container('seccompProfile.type').optional.oneOf(p.allowedProfiles)),
        },
        {
          id: 'pod-profile',
          message: 'Seccomp profile is not allowed',
          containerMessage: perContainer`Seccomp profile '${pod('seccompProfile.type')}' is not allowed for container '${containerName}'. Found at: pod securityContext.`,
          require: any(allowAll, containerSet, pod('seccompProfile.type').optional.oneOf(p.allowedProfiles)),
        },
        {
          id: 'not-configured',
          message: 'Seccomp profile is not allowed',
          containerMessage: perContainer`Seccomp profile 'not configured' is not allowed for container '${containerName}'. Found at: no explicit profile found`,
          require: any(allowAll, p.allowedProfiles.includesAll(['not configured']), containerSet, pod('seccompProfile.type').present()),
        },
        {
          id: 'seccomp-localhost-file',
          message: 'Seccomp localhost profile file is not allowed',
          detail: 'must name an allowed file in securityContext.seccompProfile.localhostProfile',
          require: any(allowAll, effective('seccompProfile.localhostProfile').optional.is(someOf(p.allowedLocalhostFiles, (f) => is.wildcard(f)))),
        },
      ],
    }),
};
