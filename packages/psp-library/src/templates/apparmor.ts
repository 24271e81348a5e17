import { all, any, containerAnnotation, effective, param, parameters } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { exemptImagesParam, instancePolicy } from './common.js';

const ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

const p = parameters({
  exemptImages: exemptImagesParam(),
  allowedProfiles: param.array(param.string(), {
    description:
      'Allowed AppArmor profiles in the annotation spelling: `runtime/default`, `unconfined`, `localhost/<profile>`. A container that sets none runs `runtime/default`.',
  }),
});

/** The securityContext appArmorProfile types and the annotation spelling the allow-list uses for them. */
const TYPE_SPELLING = [
  ['RuntimeDefault', 'runtime/default'],
  ['Unconfined', 'unconfined'],
] as const;

/** K8sPSPAppArmor: each container's AppArmor profile (annotation or securityContext) is allowed. */
export const apparmor: PspTemplate = {
  kind: 'K8sPSPAppArmor',
  slug: 'apparmor',
  variant: { suffix: 'runtime-default', spec: { parameters: { allowedProfiles: ['runtime/default', 'localhost/k8s-apparmor-example-deny-write'] } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'AppArmor profiles (K8sPSPAppArmor)',
      description:
        "Each container's AppArmor profile must be in allowedProfiles (exact, annotation spelling): its `container.apparmor.security.beta.kubernetes.io/<name>` annotation when set, and its effective securityContext.appArmorProfile (RuntimeDefault = `runtime/default`, Unconfined = `unconfined`); a container with neither runs `runtime/default` (gatekeeper-library K8sPSPAppArmor). Approximations, all stricter than upstream: when both the annotation and a securityContext profile are set both must be allowed; a securityContext Localhost profile is allowed by the entry `localhost/<profile>`, and its localhostProfile is read with Kubernetes' precedence field by field (a container's own type with the pod's profile file: the file is checked too); a pod where some containers set a profile and others none needs `runtime/default` allowed. exemptImages skip containers by image.",
      parameters: p,
      exemptImages: p.exemptImages,
      rules: [
        {
          id: 'apparmor-annotation',
          message: 'AppArmor profile is not allowed',
          detail: 'must name an allowed profile in its container.apparmor.security.beta.kubernetes.io annotation',
          require: containerAnnotation(ANNOTATION).optional.oneOf(p.allowedProfiles),
        },
        {
          id: 'apparmor-security-context',
          message: 'AppArmor profile is not allowed',
          detail: 'must set an allowed securityContext.appArmorProfile',
          require: all(
            ...TYPE_SPELLING.map(([type, spelling]) =>
              any(p.allowedProfiles.includesAll([spelling]), effective('appArmorProfile.type').optional.notOneOf([type])),
            ),
            // Localhost `<profile>` is allowed by an entry `localhost/<profile>`; the API server refuses Localhost without a profile.
            effective('appArmorProfile.localhostProfile').optional.oneOf(p.allowedProfiles.withPrefix('localhost/')),
          ),
        },
        {
          id: 'apparmor-default',
          message: 'AppArmor profile runtime/default (none set) is not allowed',
          detail: 'must set an allowed AppArmor profile',
          require: any(
            p.allowedProfiles.includesAll(['runtime/default']),
            containerAnnotation(ANNOTATION).present(),
            effective('appArmorProfile.type').present(),
          ),
        },
      ],
    }),
};
