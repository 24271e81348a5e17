import { readPssPod } from './input.js';
import { checksFor } from './registry.js';
import type { PssCheckDescriptor, PssCheckResult, PssEvaluation, PssLevel, PssMinorVersion, PssVersion } from './types.js';
import { parsePssVersion } from './version.js';

export interface PssEvaluateOptions {
  readonly level: PssLevel;
  readonly version: PssVersion | string;
  /** Where the Pod came from (a file name, `Deployment/web`), used in input errors. */
  readonly source?: string;
  /** Where the Pod sits inside `source`'s object (`ExtractedPodSpec.fieldPrefix`), for input errors. */
  readonly fieldPrefix?: string;
}

const LEVELS: readonly PssLevel[] = ['privileged', 'baseline', 'restricted'];

export function assertPssLevel(level: string): asserts level is PssLevel {
  if (!(LEVELS as readonly string[]).includes(level)) {
    throw new Error(`unsupported Pod Security level ${JSON.stringify(level)}: use one of ${LEVELS.join(', ')}`);
  }
}

/** Validates the Pod, then runs `descriptors` on it. Shared by the upstream and Kyverno selections. */
export function runPssChecks(
  pod: unknown,
  descriptors: readonly PssCheckDescriptor[],
  context: { readonly level: PssLevel; readonly version: PssMinorVersion; readonly source?: string; readonly fieldPrefix?: string },
): PssEvaluation {
  const checked = readPssPod(pod, context.source, context.fieldPrefix);
  const results: PssCheckResult[] = descriptors.map((descriptor) => {
    const outcome = descriptor.check(checked);
    const head = { id: descriptor.id, control: descriptor.control, level: descriptor.level };
    return outcome.allowed
      ? { ...head, allowed: true, violations: [] }
      : { ...head, allowed: false, reason: outcome.reason, detail: outcome.detail, violations: outcome.violations };
  });
  return { allowed: results.every((r) => r.allowed), level: context.level, version: context.version, results };
}

/**
 * Evaluates a Pod (or a Pod template's `{metadata, spec}`, see `extractPodSpec`) against a Pod
 * Security Standards level at a policy version, as PSA does for `pod-security.kubernetes.io/enforce`.
 */
export function evaluatePodSecurity(pod: unknown, options: PssEvaluateOptions): PssEvaluation {
  // `pod` is `unknown` on purpose: manifests arrive parsed from YAML, and readPssPod checks the
  // types of every field PSA reads before any check runs (a PssInputError names a bad one).
  assertPssLevel(options.level);
  const { resolved } = parsePssVersion(options.version);
  return runPssChecks(pod, checksFor(options.level, resolved), { ...options, version: resolved });
}

/**
 * The refusal text PSA puts after `violates PodSecurity "<level>:<version>": ` — reasons joined by
 * ", ", each followed by its detail in parentheses (upstream `AggregateCheckResult.ForbiddenDetail`).
 * Empty when the Pod is allowed.
 */
export function formatForbidden(results: readonly PssCheckResult[]): string {
  return results
    .filter((r) => !r.allowed)
    .map((r) => (r.detail ? `${r.reason ?? ''} (${r.detail})` : (r.reason ?? '')))
    .join(', ');
}
