/**
 * The manifest.json entry each target writes for a policy, typed per target: the compilers build
 * them with these types and `podsec verify`'s engine adapters read them with the same types.
 */
import type { ValidationAction } from '../cel/actions.js';
import type { FailureAction } from '../kyverno/policy.js';
import type { EnforcementAction } from './enforcement.js';

export interface RegoManifestEntry {
  file: string;
  package: string;
  entrypoint: string;
  input: 'gatekeeper';
}

export interface GatekeeperManifestEntry {
  /** Applied first: `gatekeeper/templates/<policy>.yaml`. */
  template: { file: string; name: string };
  /** Applied once the template's CRD exists: `gatekeeper/constraints/<policy>.yaml`. */
  constraint: { file: string; kind: string; name: string; enforcementAction: EnforcementAction };
}

export interface KyvernoManifestEntry {
  file: string;
  kind: 'ClusterPolicy';
  name: string;
  /** IR rule id → kind → Kyverno rule name reported for objects of that kind. */
  rules: Record<string, Record<string, string>>;
  failureAction: FailureAction;
  /** `autogen`: the file holds Pod rules and Kyverno generates the controller rules; `explicit`: every rule is written. */
  controllers?: 'autogen' | 'explicit';
}

export interface VpolManifestEntry {
  file: string;
  kind: 'ValidatingPolicy';
  name: string;
  validationActions: ValidationAction[];
  /** IR rule ids, index-aligned with the policy's validations. */
  rules: string[];
}

export interface VapManifestEntry {
  file: string;
  policy: string;
  binding: string;
  validationActions: ValidationAction[];
  /** IR rule ids, index-aligned with the policy's validations. */
  rules: string[];
}

/** Manifest key → entry type. */
export interface ManifestEntries {
  rego: RegoManifestEntry;
  gatekeeper: GatekeeperManifestEntry;
  kyverno: KyvernoManifestEntry;
  kyvernoVpol: VpolManifestEntry;
  vap: VapManifestEntry;
}
export type ManifestTarget = keyof ManifestEntries;
