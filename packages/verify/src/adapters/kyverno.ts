import type { AdmissionContext } from '@podsec/ir';
import { evaluateKyvernoPolicy, loadKyvernoPolicy, type LoadedPolicy } from '@podsec/kyverno';
import type { JsonObject } from '@podsec/kyverno';
import type { AdapterFactory, EngineDecision, LoadedBuild } from '../types.js';
import { admissionFacts, decideEach, policyNames, targetEntry, yamlDocuments } from './admission.js';
import type { KyvernoManifestEntry } from '@podsec/compilers';

interface Loaded {
  policy: string;
  doc?: LoadedPolicy;
  /** Kyverno rule name → IR rule id. */
  ruleIds: Map<string, string>;
  error?: unknown;
}

function ruleIdsOf(entry: KyvernoManifestEntry): Map<string, string> {
  const out = new Map<string, string>();
  for (const [irRule, byKind] of Object.entries(entry.rules ?? {})) for (const name of Object.values(byKind)) out.set(name, irRule);
  return out;
}

/** The emitted ClusterPolicy run in podsec's Kyverno engine; skip counts as pass. */
export const kyvernoAdapterFactory: AdapterFactory = async (build: LoadedBuild) => {
  const loaded: Loaded[] = policyNames(build).map((policy) => {
    const entry = targetEntry(build, policy, 'kyverno');
    try {
      const [doc] = yamlDocuments(build, entry.file);
      return { policy, doc: loadKyvernoPolicy(doc, entry.file), ruleIds: ruleIdsOf(entry) };
    } catch (error) {
      return { policy, ruleIds: new Map(), error };
    }
  });
  return {
    id: 'kyverno',
    describe: () => "ClusterPolicy run in podsec's Kyverno engine",
    evaluate(object, ctx: AdmissionContext, only) {
      const f = admissionFacts(object, ctx);
      const request = {
        operation: f.operation,
        object: { ...f.object, metadata: { namespace: f.namespace, ...(f.object.metadata as object) } } as JsonObject,
        ...(f.username !== undefined ? { userInfo: { username: f.username } } : {}),
        namespace: f.namespace,
      };
      return decideEach('kyverno', loaded, only, (l): EngineDecision => {
        const results = evaluateKyvernoPolicy(l.doc!, request, { namespaceLabels: f.namespaceLabels });
        const errors = results.filter((r) => r.status === 'error');
        if (errors.length)
          return { engine: 'kyverno', policy: l.policy, outcome: 'error', violations: [], error: errors.map((r) => `${r.rule}: ${r.message}`).join('; ') };
        const failed = results.filter((r) => r.status === 'fail' || r.status === 'warn');
        return {
          engine: 'kyverno',
          policy: l.policy,
          outcome: failed.length ? 'violated' : 'satisfied',
          violations: failed.map((r) => ({ rule: l.ruleIds.get(r.rule) ?? r.rule, message: r.message })),
          evidence: failed.map((r) => `rule ${r.rule}${r.path ? ` at pattern path ${r.path}` : ''}`),
        };
      });
    },
  };
};
