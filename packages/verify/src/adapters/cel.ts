import type { AdmissionContext } from '@podsec/ir';
import { evaluateValidatingAdmissionPolicy, evaluateValidatingPolicy, type AdmissionAttributes } from '@podsec/cel';
import type { AdapterFactory, EngineDecision, LoadedBuild } from '../types.js';
import { admissionFacts, decideEach, namespaceObject, policyNames, targetEntry, yamlDocuments } from './admission.js';
import type { VapManifestEntry, VpolManifestEntry } from '@podsec/compilers';

type Obj = Record<string, unknown>;

function attributes(object: unknown, ctx: AdmissionContext): AdmissionAttributes {
  const f = admissionFacts(object, ctx);
  return {
    operation: f.operation,
    object: f.object,
    oldObject: f.operation === 'UPDATE' ? f.object : null,
    kind: f.kind,
    resource: f.resource,
    name: f.name,
    namespace: f.namespace,
    namespaceObject: namespaceObject(f),
    ...(f.username !== undefined ? { userInfo: { username: f.username } } : {}),
  };
}

/** `spec.validations[3].expression` → 3, to name the IR rule behind a failed validation. */
const validationIndex = (path?: string) => Number(/validations\[(\d+)\]/.exec(path ?? '')?.[1] ?? -1);

function ruleFor(entry: VapManifestEntry | VpolManifestEntry, path?: string): string {
  return (entry.rules ?? [])[validationIndex(path)] ?? '';
}

interface Loaded {
  policy: string;
  entry: VapManifestEntry | VpolManifestEntry;
  docs: Obj[];
  error?: unknown;
}

function loadAll(build: LoadedBuild, target: 'vap' | 'kyvernoVpol'): Loaded[] {
  return policyNames(build).map((policy) => {
    const entry = targetEntry(build, policy, target);
    try {
      return { policy, entry, docs: yamlDocuments(build, entry.file) };
    } catch (error) {
      return { policy, entry, docs: [], error };
    }
  });
}

/** The ValidatingAdmissionPolicy and its binding, as the apiserver runs them (every validation). */
export const vapAdapterFactory: AdapterFactory = async (build) => {
  const loaded = loadAll(build, 'vap');
  return {
    id: 'vap',
    describe: () => 'ValidatingAdmissionPolicy + binding run with apiserver semantics in @marcbachmann/cel-js',
    evaluate(object, ctx, only) {
      const attrs = attributes(object, ctx);
      return decideEach('vap', loaded, only, (l): EngineDecision => {
        const policy = l.docs.find((d) => d.kind === 'ValidatingAdmissionPolicy');
        const bindings = l.docs.filter((d) => d.kind === 'ValidatingAdmissionPolicyBinding');
        const d = evaluateValidatingAdmissionPolicy(policy, bindings, attrs, { source: l.entry.file });
        const all = [...d.denials, ...d.warnings, ...d.audits];
        const configErrors = d.diagnostics.filter((x) => x.severity === 'error' && x.kind !== 'cost');
        if (configErrors.length)
          return { engine: 'vap', policy: l.policy, outcome: 'error', violations: [], error: configErrors.map((x) => x.message).join('; ') };
        return {
          engine: 'vap',
          policy: l.policy,
          outcome: d.matched && all.length ? 'violated' : 'satisfied',
          violations: all.map((v) => ({ rule: ruleFor(l.entry, v.expressionPath), message: v.message })),
          evidence: all.map((v) => `${v.expressionPath ?? 'validation'}: ${v.expression ?? ''}`),
        };
      });
    },
  };
};

/** The Kyverno ValidatingPolicy; Kyverno stops at the first failing validation. */
export const vpolAdapterFactory: AdapterFactory = async (build) => {
  const loaded = loadAll(build, 'kyvernoVpol');
  return {
    id: 'vpol',
    describe: () => 'Kyverno ValidatingPolicy run with Kyverno semantics in @marcbachmann/cel-js',
    evaluate(object, ctx, only) {
      const attrs = attributes(object, ctx);
      return decideEach('vpol', loaded, only, (l): EngineDecision => {
        const r = evaluateValidatingPolicy(l.docs[0], attrs, { source: l.entry.file });
        if (r.status === 'error')
          return { engine: 'vpol', policy: l.policy, outcome: 'error', violations: [], error: r.error?.message ?? r.message ?? 'error' };
        const violated = r.status === 'fail' || r.status === 'warn';
        return {
          engine: 'vpol',
          policy: l.policy,
          outcome: violated ? 'violated' : 'satisfied',
          violations: violated ? [{ rule: ruleFor(l.entry, r.failedValidation?.expressionPath), message: r.message ?? '' }] : [],
          partial: true,
          evidence: violated && r.failedValidation ? [`${r.failedValidation.expressionPath}: ${r.failedValidation.expression}`] : [],
        };
      });
    },
  };
};
