import { any, container, is, param, parameters } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { exemptImagesParam, instancePolicy } from './common.js';

const p = parameters({
  exemptImages: exemptImagesParam(),
  allowedCapabilities: param.array(param.string(), { description: 'Capabilities a container may add; `*` allows any.' }),
  requiredDropCapabilities: param.array(param.string(), { description: 'Capabilities every container must drop (dropping `ALL` drops them all).' }),
});

/** K8sPSPCapabilities: added capabilities come from an allow-list; required ones are dropped. */
export const capabilities: PspTemplate = {
  kind: 'K8sPSPCapabilities',
  slug: 'capabilities',
  variant: { suffix: 'restricted', spec: { parameters: { allowedCapabilities: ['NET_BIND_SERVICE'], requiredDropCapabilities: ['ALL'] } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'Capabilities (K8sPSPCapabilities)',
      description:
        'A container may add only capabilities in allowedCapabilities (`*`: any; unset: none) and must drop every capability in requiredDropCapabilities, or ALL (gatekeeper-library K8sPSPCapabilities). Names are compared as written: upstream compares them case-insensitively, so `sys_admin` against an allow-list entry `SYS_ADMIN` is allowed there and denied here (fail closed). exemptImages skip containers by image.',
      parameters: p,
      exemptImages: p.exemptImages,
      rules: [
        {
          id: 'allowed-capabilities',
          message: 'container has a disallowed capability',
          detail: 'may only add the allowedCapabilities in securityContext.capabilities.add',
          require: any(p.allowedCapabilities.includesAll(['*']), container('capabilities.add').subsetOf(p.allowedCapabilities)),
        },
        {
          id: 'required-drop-capabilities',
          message: 'container is not dropping all required capabilities',
          detail: 'must drop the requiredDropCapabilities, or ALL, in securityContext.capabilities.drop',
          require: any(
            // unset or empty: nothing to drop
            p.requiredDropCapabilities.subsetOf([]),
            container('capabilities.drop').is(is.anyOf(is.includesAll(['ALL']), is.includesAll(p.requiredDropCapabilities))),
          ),
        },
      ],
    }),
};
