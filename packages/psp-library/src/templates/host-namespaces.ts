import { definePolicy, pod } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';

/** K8sPSPHostNamespace: no sharing of the host's PID or IPC namespace (hostPID, hostIPC). */
export const hostNamespaces: PspTemplate = {
  kind: 'K8sPSPHostNamespace',
  slug: 'host-namespaces',
  parameterNames: [],
  variant: { suffix: 'warn', spec: { enforcementAction: 'warn' } },
  policy: (c) =>
    definePolicy({
      name: c.name,
      title: 'Host namespaces (K8sPSPHostNamespace)',
      description: "Disallows sharing of the host's PID and IPC namespaces (hostPID, hostIPC), as gatekeeper-library's K8sPSPHostNamespace.",
      mode: c.mode,
      match: { ...c.match, operations: ['CREATE'] },
      rules: [
        {
          id: 'host-namespace',
          message: 'Sharing the host namespace is not allowed',
          require: { kind: 'all', checks: [pod('hostPID').optional.equals(false), pod('hostIPC').optional.equals(false)] },
        },
      ],
    }),
};
