/**
 * Finds the Pod (or Pod template) inside a Kubernetes object, as upstream PSA's
 * `DefaultPodSpecExtractor` does (admission/admission.go): PSA enforces on Pods and warns/audits
 * on the templates of the workload kinds below.
 */

export interface ExtractedPodSpec {
  readonly metadata: Record<string, unknown>;
  readonly spec: Record<string, unknown>;
  /** Where the Pod's `{metadata, spec}` sits in the object: `''` for a Pod, `spec.template.` for a
   *  Deployment, `spec.jobTemplate.spec.template.` for a CronJob. Pass it to `evaluatePodSecurity`
   *  so input errors name the field as it is written in the file. */
  readonly fieldPrefix: string;
}

interface PodSpecSource {
  /** API group ('' for core). */
  readonly group: string;
  /** Path to the object holding `metadata` and `spec` of the Pod; empty for the Pod itself. */
  readonly template: readonly string[];
}

const POD_SPEC_SOURCES: Readonly<Record<string, PodSpecSource>> = {
  Pod: { group: '', template: [] },
  PodTemplate: { group: '', template: ['template'] },
  ReplicationController: { group: '', template: ['spec', 'template'] },
  ReplicaSet: { group: 'apps', template: ['spec', 'template'] },
  Deployment: { group: 'apps', template: ['spec', 'template'] },
  StatefulSet: { group: 'apps', template: ['spec', 'template'] },
  DaemonSet: { group: 'apps', template: ['spec', 'template'] },
  Job: { group: 'batch', template: ['spec', 'template'] },
  CronJob: { group: 'batch', template: ['spec', 'jobTemplate', 'spec', 'template'] },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class PodSpecExtractError extends Error {
  override readonly name = 'PodSpecExtractError';
}

/**
 * `{metadata, spec}` of the Pod a resource runs, or null when the resource's kind carries no Pod
 * (including same-named kinds of other API groups, e.g. a CRD called `Deployment`). A Pod kind
 * without its template or `apiVersion` is malformed and raises a PodSpecExtractError.
 */
export function extractPodSpec(resource: unknown, source = 'resource'): ExtractedPodSpec | null {
  if (!isRecord(resource) || typeof resource['kind'] !== 'string') return null;
  const kind = resource['kind'];
  const entry = Object.hasOwn(POD_SPEC_SOURCES, kind) ? POD_SPEC_SOURCES[kind] : undefined;
  if (entry === undefined) return null;
  const apiVersion = resource['apiVersion'];
  if (typeof apiVersion !== 'string') {
    throw new PodSpecExtractError(`${source}: ${kind} has no apiVersion; set apiVersion (e.g. "${entry.group ? `${entry.group}/` : ''}v1")`);
  }
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (group !== entry.group) return null;

  let holder: unknown = resource;
  const walked: string[] = [];
  for (const key of entry.template) {
    walked.push(key);
    holder = isRecord(holder) ? holder[key] : undefined;
  }
  const prefix = walked.length > 0 ? `${walked.join('.')}.` : '';
  if (!isRecord(holder) || !isRecord(holder['spec'])) {
    throw new PodSpecExtractError(
      `${source}: ${kind} ${String(resourceName(resource))} has no Pod spec at ${prefix}spec; ` +
        `a ${kind} must carry its Pod ${entry.template.length > 0 ? 'template' : 'spec'} there`,
    );
  }
  const metadata = isRecord(holder['metadata']) ? holder['metadata'] : {};
  return { metadata, spec: holder['spec'], fieldPrefix: prefix };
}

function resourceName(resource: Record<string, unknown>): string {
  const metadata = resource['metadata'];
  const name = isRecord(metadata) ? metadata['name'] : undefined;
  return typeof name === 'string' ? JSON.stringify(name) : '(unnamed)';
}
