/**
 * The PSA checks as Kyverno's `validate.podSecurity` runs them, which is not quite upstream PSA.
 * Kyverno (kyverno/kyverno pkg/pss/evaluate.go `evaluatePSS`, at 111e07b) calls `DefaultChecks()` of
 * its fork github.com/kyverno/pod-security-admission (46f2077, pinned by a `replace` in its go.mod)
 * and selects them itself:
 *  - only `baseline` filters checks by level; `restricted` — and, by the same test, `privileged` —
 *    runs every check, baseline ones included, and no check overrides another;
 *  - per check it takes the newest implementation not newer than the version, and falls back to
 *    the first one when the version predates it (so e.g. hostProbesAndHostLifecycle runs at v1.20);
 *  - any `v1.N` is accepted, and an empty version means latest (the ClusterPolicy CRD narrows the
 *    field to v1.19 … v1.32 and latest; schema validation is the Kyverno engine's job).
 * The fork itself lags upstream: it has no procMount_restricted, its sysctl list stops at v1.32, and
 * the user-namespace relaxations of runAsNonRoot / runAsUser / procMount sit behind a switch Kyverno
 * never turns on. We express those differences as data over our upstream table.
 */
import { assertPssLevel, runPssChecks, type PssEvaluateOptions } from './evaluate.js';
import { PSS_CHECKS } from './registry.js';
import type { PssCheckDefinition, PssCheckDescriptor, PssCheckId, PssEvaluation, PssLevel } from './types.js';
import { minorName, minorOf, PssVersionError, PSS_LATEST_MINOR } from './version.js';

/** Checks the fork does not have. */
const ABSENT_IN_FORK: ReadonlySet<PssCheckId> = new Set(['procMount_restricted']);

/** Checks whose newer upstream implementations the fork lacks: the newest one it has. */
const FORK_LAST_VERSION: Readonly<Partial<Record<PssCheckId, number>>> = {
  sysctls: 32,
  runAsNonRoot: 0,
  runAsUser: 23,
  procMount: 0,
};

const KYVERNO_CHECKS: readonly PssCheckDefinition[] = PSS_CHECKS.filter((c) => !ABSENT_IN_FORK.has(c.id)).map((c) => {
  const last = FORK_LAST_VERSION[c.id];
  return last === undefined ? c : { ...c, versions: c.versions.filter((v) => minorOf(v.minVersion) <= last) };
});

/** Kyverno's `ParseVersion`: `""`/`latest`, or any `v1.N` (upstream `api.ParseVersion`). */
function kyvernoMinor(version: string): number {
  if (version === '' || version === 'latest') return Number.POSITIVE_INFINITY;
  const match = /^v1\.(0|[1-9][0-9]*)$/.exec(version);
  if (match?.[1] === undefined) {
    throw new PssVersionError(`unsupported podSecurity version ${JSON.stringify(version)}: Kyverno accepts "latest" or "v1.<minor>"`);
  }
  return Number(match[1]);
}

export function kyvernoChecksFor(level: PssLevel, version: string): PssCheckDescriptor[] {
  const minor = kyvernoMinor(version);
  return KYVERNO_CHECKS.filter((c) => level !== 'baseline' || c.level === 'baseline').map((c) => {
    const chosen = c.versions.filter((v) => minorOf(v.minVersion) <= minor).at(-1) ?? c.versions[0];
    if (chosen === undefined) throw new Error(`PSS check ${c.id}: no versions`);
    return { id: c.id, control: c.control, level: c.level, minVersion: chosen.minVersion, check: chosen.check };
  });
}

/**
 * Evaluates a Pod as Kyverno's `podSecurity` subrule does before applying `exclude`. The reported
 * version is the newest minor we model when Kyverno would use its latest (`latest`, or above v1.37).
 */
export function evaluatePodSecurityAsKyverno(pod: unknown, options: PssEvaluateOptions): PssEvaluation {
  assertPssLevel(options.level);
  const minor = kyvernoMinor(options.version);
  const version = minorName(Math.min(minor, PSS_LATEST_MINOR));
  return runPssChecks(pod, kyvernoChecksFor(options.level, options.version), { ...options, version });
}
