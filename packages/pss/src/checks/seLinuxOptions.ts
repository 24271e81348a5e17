import { containersPhrase, joinQuote, pluralize, sortedSet } from '../format.js';
import type { PssCheckDefinition, PssCheckFn, PssContainerRef, PssPod, PssSeLinuxOptions, PssViolation } from '../types.js';
import { containersOf } from '../visit.js';
import { ALLOWED, forbidden } from './outcome.js';

/** Allowed `seLinuxOptions.type` values; the empty string means "not set". */
const ALLOWED_TYPES_V1_0: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
/** v1.31 added `container_engine_t` (for container engines running in a pod). */
const ALLOWED_TYPES_V1_31: ReadonlySet<string> = new Set([...ALLOWED_TYPES_V1_0, 'container_engine_t']);

// Mirrors upstream policy/check_seLinuxOptions.go (seLinuxOptions1_0 / seLinuxOptions1_31).
function seLinuxOptionsCheck(allowedTypes: ReadonlySet<string>): PssCheckFn {
  return ({ spec }: PssPod) => {
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const violations: PssViolation[] = [];

    const valid = (opts: PssSeLinuxOptions, base: string, container?: PssContainerRef): boolean => {
      const extra = container === undefined ? {} : { container };
      const type = opts.type ?? '';
      const user = opts.user ?? '';
      const role = opts.role ?? '';
      let ok = true;
      if (!allowedTypes.has(type)) {
        ok = false;
        badTypes.push(type);
        violations.push({ field: `${base}.type`, type: 'forbidden', value: type, ...extra });
      }
      if (user !== '') {
        ok = false;
        setUser = true;
        violations.push({ field: `${base}.user`, type: 'forbidden', value: user, ...extra });
      }
      if (role !== '') {
        ok = false;
        setRole = true;
        violations.push({ field: `${base}.role`, type: 'forbidden', value: role, ...extra });
      }
      return ok;
    };

    const setters: string[] = [];
    const podOpts = spec.securityContext?.seLinuxOptions;
    if (podOpts !== undefined && podOpts !== null && !valid(podOpts, 'spec.securityContext.seLinuxOptions')) {
      setters.push('pod');
    }
    const badContainers: string[] = [];
    for (const { container, ref, path } of containersOf(spec)) {
      const opts = container.securityContext?.seLinuxOptions;
      if (opts === undefined || opts === null) continue;
      if (!valid(opts, `${path}.securityContext.seLinuxOptions`, ref)) badContainers.push(ref.name);
    }
    if (badContainers.length > 0) setters.push(containersPhrase(badContainers));
    if (setters.length === 0) return ALLOWED;

    const problems: string[] = [];
    const typeList = sortedSet(badTypes);
    if (typeList.length > 0) problems.push(`${pluralize('type', 'types', typeList.length)} ${joinQuote(typeList)}`);
    if (setUser) problems.push('user may not be set');
    if (setRole) problems.push('role may not be set');
    return forbidden('seLinuxOptions', `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${problems.join('; ')}`, violations);
  };
}

export const seLinuxOptions: PssCheckDefinition = {
  id: 'seLinuxOptions',
  control: 'SELinux',
  level: 'baseline',
  versions: [
    { minVersion: 'v1.0', check: seLinuxOptionsCheck(ALLOWED_TYPES_V1_0) },
    { minVersion: 'v1.31', check: seLinuxOptionsCheck(ALLOWED_TYPES_V1_31) },
  ],
};
