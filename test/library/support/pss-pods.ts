/**
 * Random Pods biased toward what the Pod Security Standards look at, for comparing the library's
 * bundles with our PSA engine. Built on the shared arbitraries (test/support/pods.ts), plus:
 * - every sysctl any supported version allows, and unsafe ones;
 * - `hostUsers: false`, `os.name: windows`, `container_engine_t`, `Unmasked`, probe hosts;
 * - "hardening" under the random fields (drop ALL, runAsNonRoot, RuntimeDefault seccomp, …)
 *   so that restricted-compliant Pods are common and each check's boundary is reached;
 * - profiles made API-valid: the apiserver rejects a seccomp/AppArmor profile without `type`, and a
 *   `localhostProfile` unless the type is Localhost, so PSA never sees those shapes.
 */
import fc from 'fast-check';
import type { Policy } from '@podsec/dsl';
import { podTemplateOf, type Scalar } from '@podsec/ir';
import { apiserverDecoded, arbitraryPodObject, valuesFromPolicy } from '../../support/pods.js';
import { SYSCTLS_BY_MINOR, SELINUX_TYPES_BY_MINOR } from '@podsec/pss-library';

type Obj = Record<string, unknown>;

const UNSAFE_SYSCTLS = ['kernel.msgmax', 'net.core.somaxconn', 'vm.swappiness'];
export const EVERY_SYSCTL = [...SYSCTLS_BY_MINOR.flatMap((r) => r.names), ...UNSAFE_SYSCTLS];

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Field values the PSS checks turn on, beyond those the policies name. */
const EXTRA_VALUES: Record<string, Scalar[]> = {
  'seLinuxOptions.type': [...SELINUX_TYPES_BY_MINOR.flatMap((r) => r.names), 'spc_t'],
  procMount: ['Unmasked', 'Default'],
  'os.name': ['windows', 'linux'],
  'capabilities.add': ['NET_BIND_SERVICE', 'CHOWN', 'SYS_ADMIN'],
};

function merge(into: Record<string, Scalar[]>, from: Partial<Record<string, Scalar[]>>): void {
  for (const [k, vs] of Object.entries(from)) if (vs) into[k] = [...new Set([...(into[k] ?? []), ...vs])];
}

export function valuesFor(policies: readonly Policy[]): Record<string, Scalar[]> {
  const out: Record<string, Scalar[]> = {};
  for (const p of policies) merge(out, valuesFromPolicy(p.ir));
  merge(out, EXTRA_VALUES);
  return out;
}

function fixProfile(sc: unknown, key: 'seccompProfile' | 'appArmorProfile'): void {
  if (!isObj(sc) || !isObj(sc[key])) return;
  const profile = sc[key] as Obj;
  if (profile.type === undefined) profile.type = profile.localhostProfile === undefined ? 'RuntimeDefault' : 'Localhost';
  if (profile.type === 'Localhost' && profile.localhostProfile === undefined) profile.localhostProfile = 'profiles/audit.json';
  if (profile.type !== 'Localhost') delete profile.localhostProfile;
}

const HARDENED_CONTAINER: Obj = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Fills only what the random generator left unset, so the random fields still decide. */
function harden(sc: Obj | undefined, defaults: Obj): Obj {
  const out: Obj = { ...(sc ?? {}) };
  for (const [k, v] of Object.entries(defaults)) if (out[k] === undefined) out[k] = structuredClone(v);
  return out;
}

const PROBE_KEYS = ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'];
const POD_SPEC_KEYS = ['hostNetwork', 'hostPID', 'hostIPC', 'hostUsers', 'os', 'runtimeClassName'];

/**
 * Keeps one (or none) of the security-relevant settings the random generator made, at pod level
 * and per container: most Pods then violate at most one or two checks, which is where a
 * disagreement on a single check would show.
 */
function trim(template: Obj, pick: number): void {
  const spec = template.spec as Obj;
  const podKeys = [...POD_SPEC_KEYS.filter((k) => spec[k] !== undefined).map((k) => [spec, k] as const)];
  if (isObj(spec.securityContext)) podKeys.push(...Object.keys(spec.securityContext).map((k) => [spec.securityContext as Obj, k] as const));
  podKeys.forEach(([o, k], i) => i !== pick % (podKeys.length + 1) && delete o[k]);
  const containers = ['containers', 'initContainers', 'ephemeralContainers'].flatMap((k) => (Array.isArray(spec[k]) ? (spec[k] as Obj[]) : []));
  containers.forEach((c, n) => {
    if (isObj(c.securityContext)) {
      const keys = Object.keys(c.securityContext);
      keys.forEach((k, i) => i !== (pick + n) % (keys.length + 1) && delete (c.securityContext as Obj)[k]);
    }
    if (Array.isArray(c.ports) && (pick + n) % 4 !== 0) c.ports = (c.ports as Obj[]).map((port) => ({ containerPort: port.containerPort }));
    if ((pick + n) % 3 !== 0) for (const k of PROBE_KEYS) delete c[k];
  });
  if (pick % 3 !== 0) delete spec.volumes;
  if (pick % 2 !== 0 && isObj(template.metadata)) delete template.metadata.annotations;
}

interface Twists {
  trim: number | undefined;
  harden: boolean;
  sysctls: string[] | undefined;
  hostUsers: boolean | undefined;
  windows: boolean;
  probeHost: string | undefined;
}

function twist(template: Obj, t: Twists): void {
  const spec = template.spec as Obj;
  if (t.trim !== undefined) trim(template, t.trim);
  const containers = ['containers', 'initContainers', 'ephemeralContainers'].flatMap((k) => (Array.isArray(spec[k]) ? (spec[k] as Obj[]) : []));
  if (t.harden || t.trim !== undefined) for (const c of containers) c.securityContext = harden(c.securityContext as Obj | undefined, HARDENED_CONTAINER);
  if (t.sysctls)
    spec.securityContext = { ...(isObj(spec.securityContext) ? spec.securityContext : {}), sysctls: t.sysctls.map((name) => ({ name, value: '1' })) };
  if (t.hostUsers !== undefined) spec.hostUsers = t.hostUsers;
  if (t.windows) spec.os = { name: 'windows' };
  if (t.probeHost !== undefined && containers[0]) containers[0].readinessProbe = { httpGet: { path: '/', port: 80, host: t.probeHost } };
  fixProfile(spec.securityContext, 'seccompProfile');
  fixProfile(spec.securityContext, 'appArmorProfile');
  for (const c of containers) {
    fixProfile(c.securityContext, 'seccompProfile');
    fixProfile(c.securityContext, 'appArmorProfile');
  }
}

/** Pods and Pod controllers (every kind), biased toward the PSS boundaries of `policies`. */
export function arbitraryPssObject(policies: readonly Policy[]): fc.Arbitrary<Obj> {
  const values = valuesFor(policies);
  return fc
    .record({
      // PSA runs on decoded objects: nulls are gone and a wrong-typed field never reaches it.
      object: arbitraryPodObject({ values })
        .map((o) => apiserverDecoded(o))
        .filter((o): o is Obj => o !== undefined),
      trim: fc.option(fc.nat({ max: 1000 }), { nil: undefined, freq: 2 }),
      harden: fc.boolean(),
      sysctls: fc.option(fc.uniqueArray(fc.constantFrom(...EVERY_SYSCTL), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 3 }),
      hostUsers: fc.option(fc.boolean(), { nil: undefined, freq: 2 }),
      windows: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      probeHost: fc.option(fc.constantFrom('', '10.0.0.1'), { nil: undefined, freq: 4 }),
    })
    .map(({ object, ...t }) => {
      twist(podTemplateOf(object)!.template as Obj, t);
      return object;
    });
}
