import { all, pod } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { instancePolicy } from './common.js';

/** K8sPSPHostNamespace: no sharing of the host's PID or IPC namespace (hostPID, hostIPC). */
export const hostNamespaces: PspTemplate = {
  kind: 'K8sPSPHostNamespace',
  slug: 'host-namespaces',
  variant: { suffix: 'warn', spec: { enforcementAction: 'warn' } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'Host namespaces (K8sPSPHostNamespace)',
      description: "Disallows sharing of the host's PID and IPC namespaces (hostPID, hostIPC), as gatekeeper-library's K8sPSPHostNamespace.",
      rules: [
        {
          id: 'host-namespace',
          message: 'Sharing the host namespace is not allowed',
          require: all(pod('hostPID').optional.equals(false), pod('hostIPC').optional.equals(false)),
        },
      ],
    }),
};
