import { all, container, parameters, PROBE_HOST_FIELD_IDS } from '@podsec/dsl';
import type { PspTemplate } from '../template.js';
import { exemptImagesParam, instancePolicy } from './common.js';

const p = parameters({ exemptImages: exemptImagesParam() });

/** K8sPSPHostProbesLifecycle: no probe or lifecycle handler names a host. */
export const hostProbesLifecycle: PspTemplate = {
  kind: 'K8sPSPHostProbesLifecycle',
  slug: 'host-probes-lifecycle',
  variant: { suffix: 'exempt-registry', spec: { parameters: { exemptImages: ['registry.example/trusted/*'] } } },
  policy: (c) =>
    instancePolicy(c, {
      title: 'Host probes and lifecycle hooks (K8sPSPHostProbesLifecycle)',
      description:
        'No liveness, readiness or startup probe and no postStart or preStop hook (httpGet or tcpSocket) may set `host` other than empty (gatekeeper-library K8sPSPHostProbesLifecycle, as the Baseline profile since v1.34); exemptImages skip containers by image.',
      parameters: p,
      exemptImages: p.exemptImages,
      rules: [
        {
          id: 'host-probes-lifecycle',
          message: 'Probes and lifecycle hooks must not set a host',
          detail: 'must not set httpGet.host or tcpSocket.host in probes and lifecycle handlers',
          require: all(...PROBE_HOST_FIELD_IDS.map((f) => container(f).optional.equals(''))),
        },
      ],
    }),
};
