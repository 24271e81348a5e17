import { containersPhrase, joinQuote, pluralize, sortedSet } from '../format.js';
import type { PssCheckDefinition, PssCheckOutcome, PssContainer, PssHostHandler, PssPod, PssViolation } from '../types.js';
import { containersOf } from '../visit.js';
import { ALLOWED, forbidden } from './outcome.js';

/** Where a container can name a host for the kubelet to connect to, in upstream's visiting order. */
const HANDLERS: readonly { readonly path: string; readonly get: (c: PssContainer) => PssHostHandler | null | undefined }[] = [
  { path: 'livenessProbe', get: (c) => c.livenessProbe },
  { path: 'readinessProbe', get: (c) => c.readinessProbe },
  { path: 'startupProbe', get: (c) => c.startupProbe },
  { path: 'lifecycle.postStart', get: (c) => c.lifecycle?.postStart },
  { path: 'lifecycle.preStop', get: (c) => c.lifecycle?.preStop },
];

/** `tcpSocket` is not a valid lifecycle handler any more but is still checked, for old objects. */
const ACTIONS = ['httpGet', 'tcpSocket'] as const;

// Mirrors upstream policy/check_hostProbesAndhostLifecycle.go (hostProbesAndHostLifecycleV1Dot34).
function hostProbesAndHostLifecycleV1Dot34({ spec }: PssPod): PssCheckOutcome {
  const bad: string[] = [];
  const hosts: string[] = [];
  const violations: PssViolation[] = [];
  for (const { container, ref, path } of containersOf(spec)) {
    for (const handler of HANDLERS) {
      const value = handler.get(container);
      for (const action of ACTIONS) {
        const host = value?.[action]?.host ?? '';
        if (host === '') continue;
        bad.push(ref.name);
        hosts.push(host);
        violations.push({ field: `${path}.${handler.path}.${action}.host`, type: 'forbidden', value: host, container: ref });
      }
    }
  }
  if (bad.length === 0) return ALLOWED;
  // Upstream gathers both in sets, so containers are listed sorted and once each.
  const containers = sortedSet(bad);
  const hostList = sortedSet(hosts);
  return forbidden(
    'probe or lifecycle host',
    `${containersPhrase(containers)} ${pluralize('uses', 'use', containers.length)} ` +
      `${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', hostList.length)} ${joinQuote(hostList)}`,
    violations,
  );
}

export const hostProbesAndHostLifecycle: PssCheckDefinition = {
  id: 'hostProbesAndHostLifecycle',
  control: 'Host Probes / Lifecycle Hooks',
  level: 'baseline',
  versions: [{ minVersion: 'v1.34', check: hostProbesAndHostLifecycleV1Dot34 }],
};
