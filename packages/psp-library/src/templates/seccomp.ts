import {
  all,
  annotations,
  any,
  container,
  containerAnnotation,
  containerName,
  is,
  param,
  parameters,
  perContainer,
  pod,
  podAnnotation,
  someOf,
} from '@podsec/dsl';
import type { Check } from '@podsec/ir';
import type { PspTemplate } from '../template.js';
import { exemptImagesParam, instancePolicy } from './common.js';

const p = parameters({
  exemptImages: exemptImagesParam(),
  allowedProfiles: param.array(param.string(), {
    description:
      'Allowed seccomp profiles, in the annotation spelling (`runtime/default`, `docker/default`, `unconfined`, `localhost/<file>`, `localhost/*`) or the securityContext one (`RuntimeDefault`, `Unconfined`, `Localhost` with allowedLocalhostFiles); `not configured` allows a container with no profile; `*` allows any.',
  }),
  allowedLocalhostFiles: param.array(param.string(), { description: 'Localhost profile files allowed with `Localhost`; `*` allows any.' }),
});

const POD_KEY = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

const listed = (...spellings: string[]) => any(...spellings.map((s) => p.allowedProfiles.includesAll([s])));
const allowAll = listed('*');
const annotationAllowed = someOf(p.allowedProfiles, (a) => is.wildcard(a));

/** A securityContext's profile fields, at pod or container scope. */
const fieldsAt = (scope: typeof pod | typeof container) => ({
  type: () => (scope === pod ? pod('seccompProfile.type') : container('seccompProfile.type')),
  file: () => (scope === pod ? pod('seccompProfile.localhostProfile') : container('seccompProfile.localhostProfile')),
});
type Scope = ReturnType<typeof fieldsAt>;

/**
 * The profile found where gatekeeper-library looks, in precedence order: the container's
 * securityContext, its annotation, the pod's securityContext, the pod's annotation. Each source is
 * its own rule, so each message says where the profile was found, as upstream's does; a source is
 * only judged for containers the sources before it leave unset.
 */
const containerSet = container('seccompProfile.type').present();
const containerAnnotated = containerAnnotation(CONTAINER_PREFIX).present();
const podSet = pod('seccompProfile.type').present();
const podUnannotated = annotations(POD_KEY).every(is.absent());

/** RuntimeDefault and Unconfined, in either spelling. */
const simpleAllowed = (sc: Scope): Check =>
  all(
    any(listed('RuntimeDefault', 'runtime/default', 'docker/default'), sc.type().optional.notOneOf(['RuntimeDefault'])),
    any(listed('Unconfined', 'unconfined'), sc.type().optional.notOneOf(['Unconfined'])),
  );

/**
 * A Localhost profile's file: `localhost/*`, a `localhost/<file>` entry naming it, or `Localhost`
 * (also implied by any `localhost…` entry) with the file, or `*`, in allowedLocalhostFiles.
 */
const localhostAllowed = (sc: Scope): Check =>
  any(
    sc.type().optional.notOneOf(['Localhost']),
    listed('localhost/*'),
    sc.file().oneOf(p.allowedProfiles.withPrefix('localhost/')),
    all(
      any(
        listed('Localhost'),
        p.allowedProfiles.withPrefix('localhost').some((e) => e.present()),
      ),
      any(p.allowedLocalhostFiles.includesAll(['*']), sc.file().oneOf(p.allowedLocalhostFiles)),
    ),
  );

/** K8sPSPSeccomp: the seccomp profile each container runs with (by upstream's precedence) is allowed. */
export const seccomp: PspTemplate = {
  kind: 'K8sPSPSeccomp',
  slug: 'seccomp',
  variant: { suffix: 'runtime-default', spec: { parameters: { allowedProfiles: ['runtime/default', 'RuntimeDefault', 'localhost/profile.json'] } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'Seccomp profiles (K8sPSPSeccomp)',
      description:
        "Each container's seccomp profile must be allowed (gatekeeper-library K8sPSPSeccomp). The profile is taken, in this order, from the container's securityContext.seccompProfile, its `container.seccomp.security.alpha.kubernetes.io/<name>` annotation, the pod's securityContext.seccompProfile, the pod's `seccomp.security.alpha.kubernetes.io/pod` annotation; with none, it is `not configured`. securityContext profiles are translated (RuntimeDefault: `RuntimeDefault`, `runtime/default` or `docker/default` allowed; Unconfined: `Unconfined` or `unconfined`; Localhost: `localhost/*`, `localhost/<file>`, or `Localhost` with the file or `*` in allowedLocalhostFiles); annotation values are compared with allowedProfiles as written (an entry ending with `*` matches by prefix). Approximations, all stricter: annotation values are not translated from the securityContext spelling; a source is skipped only when every checked container has a source before it (a pod whose containers take their profiles from different sources has the later sources judged too). exemptImages skip containers by image.",
      parameters: p,
      exemptImages: p.exemptImages,
      rules: [
        {
          id: 'container-profile',
          message: 'Seccomp profile is not allowed',
          containerMessage: perContainer`Seccomp profile '${container('seccompProfile.type')}' is not allowed for container '${containerName}'. Found at: container securityContext.`,
          require: any(allowAll, simpleAllowed(fieldsAt(container))),
        },
        {
          id: 'container-localhost',
          message: 'Seccomp profile is not allowed',
          containerMessage: perContainer`Seccomp profile 'localhost/${container('seccompProfile.localhostProfile')}' is not allowed for container '${containerName}'. Found at: container securityContext.`,
          require: any(allowAll, localhostAllowed(fieldsAt(container))),
        },
        {
          id: 'container-annotation',
          message: 'Seccomp profile is not allowed',
          containerMessage: perContainer`Seccomp profile '${containerAnnotation(CONTAINER_PREFIX)}' is not allowed for container '${containerName}'. Found at: annotation container.seccomp.security.alpha.kubernetes.io/${containerName}`,
          require: any(allowAll, containerSet, containerAnnotation(CONTAINER_PREFIX).optional.is(annotationAllowed)),
        },
        {
          id: 'pod-profile',
          message: 'Seccomp profile is not allowed',
          containerMessage: perContainer`Seccomp profile '${pod('seccompProfile.type')}' is not allowed for container '${containerName}'. Found at: pod securityContext.`,
          require: any(allowAll, containerSet, containerAnnotated, simpleAllowed(fieldsAt(pod))),
        },
        {
          id: 'pod-localhost',
          message: 'Seccomp profile is not allowed',
          containerMessage: perContainer`Seccomp profile 'localhost/${pod('seccompProfile.localhostProfile')}' is not allowed for container '${containerName}'. Found at: pod securityContext.`,
          require: any(allowAll, containerSet, containerAnnotated, localhostAllowed(fieldsAt(pod))),
        },
        {
          id: 'pod-annotation',
          message: 'Seccomp profile is not allowed',
          containerMessage: perContainer`Seccomp profile '${podAnnotation(POD_KEY)}' is not allowed for container '${containerName}'. Found at: annotation seccomp.security.alpha.kubernetes.io/pod`,
          require: any(allowAll, containerSet, containerAnnotated, podSet, annotations(POD_KEY).every(annotationAllowed)),
        },
        {
          id: 'not-configured',
          message: 'Seccomp profile is not allowed',
          containerMessage: perContainer`Seccomp profile 'not configured' is not allowed for container '${containerName}'. Found at: no explicit profile found`,
          // Only without the pod annotation (a pod-level condition, so the message names the containers).
          when: podUnannotated,
          require: any(allowAll, listed('not configured'), containerSet, containerAnnotated, podSet),
        },
      ],
    }),
};
