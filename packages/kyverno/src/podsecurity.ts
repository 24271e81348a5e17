/**
 * The `validate.podSecurity` subrule — Kyverno's handlers/validation/validate_pss.go and pkg/pss/evaluate.go,
 * built on podsec's own Pod Security Standards checks (../pss). The check set is Kyverno's, from one source:
 * `kyvernoChecksFor` (pss/kyverno.ts) describes its fork of pod-security-admission — every check for
 * restricted and privileged with no overrides, checks the fork lacks left out, the fork's older
 * implementations, and the first implementation for versions that predate a check. `exclude` entries remove
 * individual field errors (matched by control, `restrictedField` with indexes as `*`, `values`, and for
 * image-scoped exclusions the container name) rather than whole checks.
 */
import { kyvernoChecksFor, readPssPod, type PssCheckDescriptor, type PssCheckResult, type PssLevel, type PssViolation } from '@podsec/pss';
import { isObject, type JsonObject } from './json.js';
import { wildcardMatch } from './wildcard.js';

export interface PodSecurityExclude {
  controlName: string;
  images?: string[];
  restrictedField?: string;
  values?: string[];
}

export interface PodSecurityOutcome {
  allowed: boolean;
  /** Remaining failed checks with their remaining violations. */
  failures: { result: PssCheckResult; violations: PssViolation[] }[];
}

function evaluate(checks: readonly PssCheckDescriptor[], pod: JsonObject, source: string): PssCheckResult[] {
  const checked = readPssPod(pod, source);
  const out: PssCheckResult[] = [];
  for (const d of checks) {
    const r = d.check(checked);
    if (!r.allowed) {
      out.push({ id: d.id, control: d.control, level: d.level, allowed: false, reason: r.reason, detail: r.detail, violations: r.violations });
    }
  }
  return out;
}

/** Pod `{metadata, spec}` of a Pod or Pod controller the way getSpec reads it (CronJob: jobTemplate's metadata). */
export function podOf(resource: JsonObject): JsonObject | undefined {
  const kind = resource['kind'];
  const spec = isObject(resource['spec']) ? resource['spec'] : {};
  const get = (o: unknown, k: string): JsonObject => (isObject(o) && isObject(o[k]) ? o[k] : {});
  switch (kind) {
    case 'Pod':
      return { metadata: get(resource, 'metadata'), spec };
    case 'CronJob': {
      const jt = get(spec, 'jobTemplate');
      return { metadata: get(jt, 'metadata'), spec: get(get(get(jt, 'spec'), 'template'), 'spec') };
    }
    case 'DaemonSet':
    case 'Deployment':
    case 'Job':
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'ReplicationController': {
      const t = get(spec, 'template');
      return { metadata: get(t, 'metadata'), spec: get(t, 'spec') };
    }
    default:
      return undefined;
  }
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** The Pod with only the containers whose image matches one of the patterns (GetPodWithMatchingContainers). */
function matchingPod(pod: JsonObject, images: string[]): JsonObject {
  const md = isObject(pod['metadata']) ? pod['metadata'] : {};
  const spec = isObject(pod['spec']) ? pod['spec'] : {};
  const out: JsonObject = {};
  for (const list of CONTAINER_LISTS) {
    const cs = Array.isArray(spec[list]) ? spec[list] : [];
    const kept = cs.filter((c) => isObject(c) && typeof c['image'] === 'string' && images.some((p) => wildcardMatch(p, c['image'] as string)));
    if (kept.length > 0) out[list] = kept;
  }
  const meta: JsonObject = {};
  if (md['name'] !== undefined) meta['name'] = md['name'];
  if (md['namespace'] !== undefined) meta['namespace'] = md['namespace'];
  return { metadata: meta, spec: out };
}

/** Pod-level exclusion: the Pod with a single empty container, so only pod-level fields fail. */
function podLevelOnly(pod: JsonObject): JsonObject {
  const spec = isObject(pod['spec']) ? { ...pod['spec'] } : {};
  spec['containers'] = [{ name: 'fake' }];
  delete spec['initContainers'];
  delete spec['ephemeralContainers'];
  return { metadata: pod['metadata'] ?? {}, spec };
}

function starField(field: string): string {
  return field.replace(/\d+/g, '*');
}

function badValues(v: PssViolation): string[] {
  const value = v.value;
  if (value === undefined) return [];
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (typeof value === 'boolean' || typeof value === 'number') return [String(value)];
  return [...value];
}

function containerName(pod: JsonObject, v: PssViolation): string | undefined {
  if (!v.container) return undefined;
  const spec = isObject(pod['spec']) ? pod['spec'] : {};
  const list = spec[v.container.kind];
  const c = Array.isArray(list) ? list[v.container.index] : undefined;
  return isObject(c) && typeof c['name'] === 'string' ? c['name'] : '';
}

function exempt(
  current: Map<string, { result: PssCheckResult; violations: PssViolation[] }>,
  excludeResults: PssCheckResult[],
  exclude: PodSecurityExclude,
  pod: JsonObject,
  matching: JsonObject | undefined,
): void {
  for (const er of excludeResults) {
    if (er.control !== exclude.controlName) continue;
    for (const ev of er.violations) {
      const containerLevel = matching !== undefined && ev.container !== undefined;
      const field = starField(ev.field);
      if (exclude.restrictedField && exclude.restrictedField !== field) continue;
      if (exclude.values && exclude.values.length > 0 && !badValues(ev).every((b) => exclude.values?.some((p) => wildcardMatch(p, b)))) continue;
      const entry = current.get(er.id);
      if (!entry) continue;
      const excludedName = containerLevel && matching ? containerName(matching, ev) : undefined;
      const idx = entry.violations.findIndex((dv) => {
        if (starField(dv.field) !== field) return false;
        if (!containerLevel || dv.container === undefined) return true;
        return containerName(pod, dv) === excludedName;
      });
      if (idx >= 0) entry.violations.splice(idx, 1);
      if (entry.violations.length === 0) current.delete(er.id);
    }
  }
}

export function evaluatePodSecuritySubrule(resource: JsonObject, level: string, version: string, excludes: readonly PodSecurityExclude[]): PodSecurityOutcome {
  const pod = podOf(resource);
  if (!pod) throw new Error(`podSecurity cannot evaluate kind ${String(resource['kind'])}: only Pods and Pod controllers carry a Pod spec`);
  const lvl: PssLevel = level === 'baseline' || level === 'restricted' || level === 'privileged' ? level : 'restricted';
  let checks: PssCheckDescriptor[];
  try {
    checks = kyvernoChecksFor(lvl, version);
  } catch (e) {
    throw new Error(`failed to parse pod security api version: ${(e as Error).message}`, { cause: e });
  }
  const source = `${String(resource['kind'])}/${String(isObject(resource['metadata']) ? (resource['metadata']['name'] ?? '') : '')}`;
  const current = new Map(evaluate(checks, pod, source).map((r) => [r.id, { result: r, violations: [...r.violations] }]));
  for (const ex of excludes) {
    if (ex.images && ex.images.length > 0) {
      const matching = matchingPod(pod, ex.images);
      exempt(current, evaluate(checks, matching, source), ex, pod, matching);
    } else {
      exempt(current, evaluate(checks, podLevelOnly(pod), source), ex, pod, undefined);
    }
  }
  const failures = [...current.values()];
  return { allowed: failures.length === 0, failures };
}

/** Kyverno's FormatChecksPrint, enough to show which controls failed and where. */
export function formatPodSecurityFailures(failures: PodSecurityOutcome['failures']): string {
  return failures
    .map(({ result, violations }) => {
      const errs = violations.map((v) => {
        const vals = badValues(v);
        return v.type === 'forbidden' && vals.length > 0
          ? `${v.field} is forbidden, forbidden values found: ${vals.length === 1 ? vals[0] : `[${vals.join(' ')}]`}`
          : `${v.field}: ${v.type === 'required' ? 'Required value' : 'Forbidden'}`;
      });
      return `(Forbidden reason: ${result.reason ?? ''}, field error list: [${errs.join(', ')}])`;
    })
    .join('');
}
