import { containersPhrase, pluralize, sortedSet } from '../format.js';
import type { PssCheckDefinition, PssPod, PssCheckOutcome, PssViolation } from '../types.js';
import { containersOf } from '../visit.js';
import { ALLOWED, forbidden } from './outcome.js';

// Mirrors upstream policy/check_hostPorts.go (hostPorts_1_0). hostPort 0 means "unset" in the API.
function hostPortsV1Dot0({ spec }: PssPod): PssCheckOutcome {
  const bad: string[] = [];
  const ports: string[] = [];
  const violations: PssViolation[] = [];
  for (const { container, ref, path } of containersOf(spec)) {
    let used = false;
    (container.ports ?? []).forEach((port, i) => {
      const hostPort = port.hostPort ?? 0;
      if (hostPort === 0) return;
      used = true;
      ports.push(String(hostPort));
      violations.push({ field: `${path}.ports[${i}].hostPort`, type: 'forbidden', value: hostPort, container: ref });
    });
    if (used) bad.push(ref.name);
  }
  if (bad.length === 0) return ALLOWED;
  // Upstream collects the ports in a string set, so they are listed in string order ("10" < "9").
  const portList = sortedSet(ports);
  return forbidden(
    'hostPort',
    `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ` + `${pluralize('hostPort', 'hostPorts', portList.length)} ${portList.join(', ')}`,
    violations,
  );
}

export const hostPorts: PssCheckDefinition = {
  id: 'hostPorts',
  control: 'Host Ports',
  level: 'baseline',
  versions: [{ minVersion: 'v1.0', check: hostPortsV1Dot0 }],
};
