import { container, is, param, parameters, pod, someOf, type Pred } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { exemptImagesParam, instancePolicy } from './common.js';

const SELINUX_KEYS = ['level', 'role', 'type', 'user'] as const;

const p = parameters({
  exemptImages: exemptImagesParam(),
  allowedSELinuxOptions: param.array(
    param.object({
      level: param.string({ description: 'An SELinux level.' }),
      role: param.string({ description: 'An SELinux role.' }),
      type: param.string({ description: 'An SELinux type.' }),
      user: param.string({ description: 'An SELinux user.' }),
    }),
    { description: 'Allowed seLinuxOptions: a pod or container may set only options one entry names, each to that entry’s value.' },
  ),
});

type Options = { level?: string; role?: string; type?: string; user?: string };

/** Options are allowed by an entry when every option they set equals the entry's value for it. */
const allowedByAnEntry: Pred<Options> = someOf(p.allowedSELinuxOptions, (entry) =>
  is.allOf(...SELINUX_KEYS.map((k) => is.at<Options, string>([k], is.equals<string>(entry.get(k)), 'pass'))),
);

/** K8sPSPSELinuxV2: pod and container seLinuxOptions come from an allow-list of option sets. */
export const selinux: PspTemplate = {
  kind: 'K8sPSPSELinuxV2',
  slug: 'selinux',
  variant: { suffix: 'container-types', spec: { parameters: { allowedSELinuxOptions: [{ type: 'container_t' }, { type: 'container_init_t' }] } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'SELinux options (K8sPSPSELinuxV2)',
      description:
        'The pod-level and each container’s seLinuxOptions, where set, must match an entry of allowedSELinuxOptions: every option set (level, role, type, user) equal to the entry’s (gatekeeper-library K8sPSPSELinuxV2). exemptImages skip containers by image.',
      parameters: p,
      exemptImages: p.exemptImages,
      rules: [
        { id: 'pod-selinux-options', message: 'SELinux options are not allowed', require: pod('seLinuxOptions').optional.is(allowedByAnEntry) },
        {
          id: 'container-selinux-options',
          message: 'SELinux options are not allowed',
          detail: 'must set only allowed securityContext.seLinuxOptions',
          require: container('seLinuxOptions').optional.is(allowedByAnEntry),
        },
      ],
    }),
};
