/**
 * One gatekeeper-library Pod Security Policy template as a podsec policy factory: the upstream
 * constraint kind (the public interface existing Constraints rely on) and how an instance — name,
 * mode, match and parameter values — becomes a podsec policy.
 */
import type { Policy } from '@podsec/dsl';
import type { PspConstraint } from './constraint.js';

/** A Constraint with its parameters validated: what a template turns into a policy. */
export type PspInstance = PspConstraint;

export interface PspTemplate {
  /** The upstream constraint kind, e.g. `K8sPSPPrivilegedContainer`. */
  kind: string;
  /** The upstream folder name under library/pod-security-policy, e.g. `privileged-containers`. */
  slug: string;
  /**
   * The library's non-default instance (`podsec verify policies` proves it beside the default one):
   * its name suffix and Constraint `spec` (parameters, or another enforcementAction when the
   * template takes none).
   */
  variant: { suffix: string; spec: Record<string, unknown> };
  /** Builds the policy for one instance; throws naming `instance.source` and the parameter path on a bad value. */
  policy(instance: PspInstance): Policy;
}
