/**
 * Random admission contexts and object perturbations for equivalence tests, drawn from the names
 * a policy uses (its namespaces, users, runtime classes, selector labels), so exemptions and
 * selectors are hit as often as missed. Perturbations put JSON null, wrong types and missing
 * templates where policies read, the inputs hand-written Rego most often gets wrong.
 */
import fc from 'fast-check';
import { podTemplateOf, type AdmissionContext, type LabelSelector, type PolicyIR } from '@podsec/ir';

type Obj = Record<string, unknown>;

function selectorLabels(selectors: (LabelSelector | undefined)[]): [string, string][] {
  const out: [string, string][] = [];
  for (const s of selectors) {
    if (!s) continue;
    for (const [k, v] of Object.entries(s.matchLabels ?? {})) out.push([k, v], [k, `${v}-other`]);
    for (const e of s.matchExpressions ?? []) {
      out.push([e.key, 'x']);
      for (const v of e.values ?? []) out.push([e.key, v]);
    }
  }
  return out;
}

const labelMap = (pool: [string, string][]) => fc.subarray(pool).map((entries) => Object.fromEntries(entries) as Record<string, string>);

/** Labels that satisfy the selector (the first allowed value of each `In`). */
export function satisfying(selector: LabelSelector | undefined): Record<string, string> {
  const labels: Record<string, string> = { ...(selector?.matchLabels ?? {}) };
  for (const e of selector?.matchExpressions ?? []) {
    if (e.operator === 'In' && e.values?.length) labels[e.key] = e.values[0]!;
    if (e.operator === 'Exists') labels[e.key] = 'x';
  }
  return labels;
}

/** A context in which the policy applies when the object does: exercises the rules themselves. */
function applicableContext(ir: PolicyIR): fc.Arbitrary<AdmissionContext> {
  const { include, exclude } = ir.match.namespaces;
  const namespaces = (include.length ? include : ['default', 'other']).filter((n) => !exclude.includes(n) && !ir.exemptions.namespaces.includes(n));
  return fc.record(
    {
      operation: fc.constantFrom(...ir.match.operations),
      namespace: fc.constantFrom(...(namespaces.length ? namespaces : ['default'])),
      username: fc.constant('alice'),
      namespaceLabels: fc.constant(satisfying(ir.match.namespaceSelector)),
    },
    { requiredKeys: ['namespace', 'namespaceLabels'] },
  );
}

export function arbitraryContext(ir: PolicyIR): fc.Arbitrary<AdmissionContext> {
  return fc.oneof({ arbitrary: applicableContext(ir), weight: 3 }, { arbitrary: anyContext(ir), weight: 1 });
}

function anyContext(ir: PolicyIR): fc.Arbitrary<AdmissionContext> {
  const namespaces = [...ir.match.namespaces.include, ...ir.match.namespaces.exclude, ...ir.exemptions.namespaces, 'default', 'other'];
  const users = [...ir.exemptions.usernames, 'alice'];
  const nsLabels = selectorLabels([ir.match.namespaceSelector]);
  return fc.record(
    {
      operation: fc.constantFrom<'CREATE' | 'UPDATE'>('CREATE', 'UPDATE'),
      namespace: fc.constantFrom(...namespaces),
      username: fc.constantFrom(...users),
      namespaceLabels: labelMap(nsLabels),
    },
    // Any key may be missing, as in Gatekeeper audit (no operation, no user).
    { requiredKeys: [] },
  );
}

const ODD_VALUES: unknown[] = [null, 'x', 7, [], {}, true];

/** Paths (from the Pod template) whose values policies read; perturbations replace one of them. */
const TEMPLATE_PATHS: string[][] = [
  ['spec', 'securityContext'],
  ['spec', 'containers'],
  ['spec', 'containers', '0'],
  ['spec', 'containers', '0', 'securityContext'],
  ['spec', 'containers', '0', 'securityContext', 'capabilities'],
  ['spec', 'containers', '0', 'securityContext', 'capabilities', 'add'],
  ['spec', 'containers', '0', 'ports'],
  ['spec', 'initContainers'],
  ['spec', 'volumes'],
  ['spec', 'volumes', '0'],
  ['metadata', 'annotations'],
  ['spec', 'securityContext', 'runAsUser'],
  ['spec', 'containers', '0', 'securityContext', 'runAsNonRoot'],
  ['spec', 'hostNetwork'],
  ['spec'],
  [],
];

function setIn(root: unknown, path: string[], value: unknown): void {
  let cur = root;
  for (const [i, key] of path.entries()) {
    if (typeof cur !== 'object' || cur === null) return;
    const rec = cur as Record<string, unknown>;
    if (i === path.length - 1) rec[key] = value;
    else cur = rec[key];
  }
}

/** Replaces the whole template (or a value inside it) with null or a value of the wrong type. */
export function perturb(object: Obj, pick: number, odd: number): Obj {
  const copy = structuredClone(object);
  const pod = podTemplateOf(copy);
  if (!pod) return copy;
  const path = TEMPLATE_PATHS[pick % TEMPLATE_PATHS.length]!;
  const value = ODD_VALUES[odd % ODD_VALUES.length];
  if (path.length === 0) {
    if (copy.kind === 'Pod') return copy;
    // A controller whose template is missing or not an object.
    const at = copy.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : ['spec', 'template'];
    setIn(copy, at, value);
    return copy;
  }
  setIn(pod.template, path, value);
  return copy;
}

/** Object labels drawn from the policy's objectSelector, so it matches about half the time. */
export function withObjectLabels(object: Obj, ir: PolicyIR, labels: Record<string, string>): Obj {
  if (!ir.match.objectSelector) return object;
  const metadata = (typeof object.metadata === 'object' && object.metadata !== null ? object.metadata : {}) as Obj;
  return { ...object, metadata: { ...metadata, labels } };
}

export const objectLabelPool = (ir: PolicyIR) =>
  fc.oneof(
    { arbitrary: fc.constant(satisfying(ir.match.objectSelector)), weight: 3 },
    { arbitrary: labelMap(selectorLabels([ir.match.objectSelector])), weight: 1 },
  );
