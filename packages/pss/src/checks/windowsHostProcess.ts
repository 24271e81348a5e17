import { containersPhrase } from '../format.js';
import type { PssCheckDefinition, PssPod, PssCheckOutcome, PssViolation } from '../types.js';
import { containersOf } from '../visit.js';
import { ALLOWED, forbidden } from './outcome.js';

// Mirrors upstream policy/check_windowsHostProcess.go (windowsHostProcess_1_0).
function windowsHostProcessV1Dot0({ spec }: PssPod): PssCheckOutcome {
  const setters: string[] = [];
  const violations: PssViolation[] = [];
  if (spec.securityContext?.windowsOptions?.hostProcess === true) {
    setters.push('pod');
    violations.push({ field: 'spec.securityContext.windowsOptions.hostProcess', type: 'forbidden', value: true });
  }
  const badContainers: string[] = [];
  for (const { container, ref, path } of containersOf(spec)) {
    if (container.securityContext?.windowsOptions?.hostProcess === true) {
      badContainers.push(ref.name);
      violations.push({
        field: `${path}.securityContext.windowsOptions.hostProcess`,
        type: 'forbidden',
        value: true,
        container: ref,
      });
    }
  }
  if (badContainers.length > 0) setters.push(containersPhrase(badContainers));
  if (setters.length === 0) return ALLOWED;
  return forbidden('hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`, violations);
}

export const windowsHostProcess: PssCheckDefinition = {
  id: 'windowsHostProcess',
  control: 'HostProcess',
  level: 'baseline',
  versions: [{ minVersion: 'v1.0', check: windowsHostProcessV1Dot0 }],
};
