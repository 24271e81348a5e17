import { any, is, param, parameters, podItems, someOf } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { instancePolicy } from './common.js';

const p = parameters({
  allowedSysctls: param.array(param.string(), {
    description:
      'When set, the only sysctls allowed: exact names, or prefixes ending with `*` (`*` allows every sysctl not forbidden). An empty list allows none.',
  }),
  forbiddenSysctls: param.array(param.string(), {
    description: 'Sysctls that are never allowed: exact names, or prefixes ending with `*` (`*` forbids every sysctl). Wins over allowedSysctls.',
  }),
});

/** K8sPSPForbiddenSysctls: pod sysctls are not forbidden and, when an allow-list is given, allowed. */
export const forbiddenSysctls: PspTemplate = {
  kind: 'K8sPSPForbiddenSysctls',
  slug: 'forbidden-sysctls',
  variant: { suffix: 'kernel', spec: { parameters: { forbiddenSysctls: ['kernel.*'], allowedSysctls: ['net.*'] } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'Sysctls (K8sPSPForbiddenSysctls)',
      description:
        'No pod sysctl may match forbiddenSysctls, and when allowedSysctls is set every sysctl must match it (gatekeeper-library K8sPSPForbiddenSysctls; entries are exact names or prefixes ending with `*`).',
      parameters: p,
      rules: [
        {
          id: 'forbidden-sysctls',
          message: 'The sysctl is forbidden',
          require: podItems('sysctls')
            .where('name')
            .optional.is(is.not(someOf(p.forbiddenSysctls, (f) => is.wildcard(f)))),
        },
        {
          id: 'allowed-sysctls',
          message: 'The sysctl is not in the allowed list',
          require: any(
            p.allowedSysctls.absent(),
            podItems('sysctls')
              .where('name')
              .optional.is(someOf(p.allowedSysctls, (a) => is.wildcard(a))),
          ),
        },
      ],
    }),
};
