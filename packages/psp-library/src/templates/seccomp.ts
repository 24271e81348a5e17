import { all, annotations, any, containerAnnotation, effective, is, param, parameters, someOf } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { exemptImagesParam, instancePolicy } from './common.js';

const p = parameters({
  exemptImages: exemptImagesParam(),
  allowedProfiles: param.array(param.string(), {
    description:
      'Allowed seccomp profiles, in the annotation spelling (`runtime/default`, `docker/default`, `unconfined`, `localhost/<file>`, `localhost/*`) or the securityContext one (`RuntimeDefault`, `Unconfined`, `Localhost` with allowedLocalhostFiles); `*` allows any.',
  }),
  allowedLocalhostFiles: param.array(param.string(), { description: 'Localhost profile files allowed with `Localhost`: exact, or prefixes ending with `*`.' }),
});

const anyAllowed = (...spellings: string[]) => any(...spellings.map((s) => p.allowedProfiles.includesAll([s])));
const annotationAllowed = someOf(p.allowedProfiles, (a) => is.wildcard(a));

/** K8sPSPSeccomp: the seccomp profiles a pod and its containers name (annotations or securityContext) are allowed. */
export const seccomp: PspTemplate = {
  kind: 'K8sPSPSeccomp',
  slug: 'seccomp',
  variant: { suffix: 'runtime-default', spec: { parameters: { allowedProfiles: ['runtime/default', 'RuntimeDefault'] } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'Seccomp profiles (K8sPSPSeccomp)',
      description:
        "The seccomp profiles a pod names must be allowed (gatekeeper-library K8sPSPSeccomp): the pod annotation `seccomp.security.alpha.kubernetes.io/pod` and each container's `container.seccomp.security.alpha.kubernetes.io/<name>` against allowedProfiles (entries ending with `*` match by prefix), and each container's effective securityContext.seccompProfile translated (RuntimeDefault: `RuntimeDefault`, `runtime/default` or `docker/default` allowed; Unconfined: `Unconfined` or `unconfined`; Localhost: `localhost/*`, or `Localhost` with the file in allowedLocalhostFiles). Approximations: every profile that is set must be allowed, where upstream takes the first by precedence (stricter); a securityContext Localhost file named by an allowedProfiles entry `localhost/<file>` is refused (the DSL cannot build that string from the field; stricter); a pod that sets no profile at all is not checked; upstream names container and source in each message, podsec's messages are per rule. exemptImages skip containers by image.",
      parameters: p,
      exemptImages: p.exemptImages,
      rules: [
        {
          id: 'seccomp-annotations',
          message: 'Seccomp profile is not allowed',
          detail: 'must name an allowed profile in its container.seccomp.security.alpha.kubernetes.io annotation',
          require: any(
            p.allowedProfiles.includesAll(['*']),
            all(
              annotations('seccomp.security.alpha.kubernetes.io/pod').every(annotationAllowed),
              containerAnnotation('container.seccomp.security.alpha.kubernetes.io/').optional.is(annotationAllowed),
            ),
          ),
        },
        {
          id: 'seccomp-security-context',
          message: 'Seccomp profile is not allowed',
          detail: 'must set an allowed securityContext.seccompProfile',
          require: any(
            p.allowedProfiles.includesAll(['*']),
            all(
              any(anyAllowed('RuntimeDefault', 'runtime/default', 'docker/default'), effective('seccompProfile.type').optional.notOneOf(['RuntimeDefault'])),
              any(anyAllowed('Unconfined', 'unconfined'), effective('seccompProfile.type').optional.notOneOf(['Unconfined'])),
              any(
                anyAllowed('localhost/*'),
                all(
                  p.allowedProfiles.includesAll(['Localhost']),
                  effective('seccompProfile.localhostProfile').optional.is(someOf(p.allowedLocalhostFiles, (f) => is.wildcard(f))),
                ),
                effective('seccompProfile.type').optional.notOneOf(['Localhost']),
              ),
            ),
          ),
        },
      ],
    }),
};
