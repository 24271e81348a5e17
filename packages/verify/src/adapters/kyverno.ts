import type { AdmissionContext } from '@podsec/ir';
import { evaluateKyvernoPolicy, loadKyvernoPolicy, shallowCopy, type LoadedPolicy } from '@podsec/kyverno';
import type { JsonObject } from '@podsec/kyverno';
import type { KyvernoAdmissionRequest, RuleResult } from '@podsec/kyverno';
import type { ActionSource, AdapterFactory, AdmissionAction, EngineDecision, LoadedBuild } from '../types.js';
import { admissionFacts, decideEach, policyNames, targetEntry, userInfoOf, yamlDocuments } from './admission.js';
import type { KyvernoManifestEntry } from '@podsec/compilers';

interface Loaded {
  policy: string;
  files?: string[];
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

/**
 * What Kyverno's webhook does with failed rules: any rule whose failureAction is Enforce blocks;
 * otherwise the failure goes to the policy report, and with `spec.emitWarning` also back to the
 * client as a warning.
 */
function kyvernoAction(doc: LoadedPolicy, failed: readonly RuleResult[]): { action: AdmissionAction; source: ActionSource } {
  const enforced = failed.find((r) => r.failureAction === 'Enforce') ?? failed[0]!;
  const index = doc.rules.findIndex((r) => r.name === enforced.rule || r.name === enforced.rule.replace(/^autogen-(cronjob-)?/, ''));
  const validate = doc.rules[index]?.validate as Record<string, unknown> | undefined;
  const path = validate && validate.failureAction !== undefined ? `spec.rules[${index}].validate.failureAction` : 'spec.validationFailureAction';
  const found = String(enforced.failureAction ?? 'Audit');
  if (enforced.failureAction === 'Enforce') return { action: 'deny', source: { file: doc.file, path, found } };
  const warn = doc.spec.emitWarning === true;
  return {
    action: warn ? 'warn' : 'audit',
    source: { file: doc.file, path: `${path} + spec.emitWarning`, found: `${found}, emitWarning ${warn}` },
  };
}

/**
 * The rule's own message from a failed rule's result text, as Kyverno builds it
 * (pkg/engine/handlers/validation/validate_resource.go): a deny reports the substituted
 * `validate.message` as it is; each foreach level that fails prefixes `validation failure: `; a
 * pattern reports `validation error: <message>[.] rule <name> failed at path <path>`, adding the
 * period itself when the message has none (kept: it is what Kyverno shows).
 */
export function ruleMessage(result: Pick<RuleResult, 'rule' | 'message'>): string {
  let text = result.message;
  while (text.startsWith(FOREACH_PREFIX)) text = text.slice(FOREACH_PREFIX.length);
  // The period Kyverno adds stays: it is part of what a Kyverno user reads.
  const pattern = /^validation error: ([\s\S]*?) rule (\S+) failed at path \S*$/.exec(text);
  if (pattern && pattern[2] === result.rule) return pattern[1]!;
  return text;
}
const FOREACH_PREFIX = 'validation failure: ';

/** The object with `metadata.namespace` defaulted to the request's namespace (copies; the object is not changed). */
function withMetadata(object: JsonObject, namespace: string): JsonObject {
  const md = object.metadata;
  const metadata = md && typeof md === 'object' && !Array.isArray(md) ? shallowCopy(md, { namespace }) : { namespace };
  const out = shallowCopy(object);
  out.metadata = metadata;
  return out;
}

/** The emitted ClusterPolicy run in podsec's Kyverno engine; skip counts as pass. */
export const kyvernoAdapterFactory: AdapterFactory = async (build: LoadedBuild) => {
  const loaded: Loaded[] = policyNames(build).map((policy) => {
    const entry = targetEntry(build, policy, 'kyverno');
    try {
      const [doc] = yamlDocuments(build, entry.file);
      return { policy, files: [entry.file], doc: loadKyvernoPolicy(doc, entry.file), ruleIds: ruleIdsOf(entry) };
    } catch (error) {
      return { policy, files: [String(entry.file)], ruleIds: new Map(), error };
    }
  });
  return {
    id: 'kyverno',
    describe: () => "ClusterPolicy run in podsec's Kyverno engine",
    comparesMessages: true,
    evaluate(object, ctx: AdmissionContext, only) {
      const f = admissionFacts(object, ctx);
      // Built without spreads followed by more keys: those cost microseconds per object on Node 20.
      const request: KyvernoAdmissionRequest = {
        operation: f.operation,
        object: withMetadata(f.object as JsonObject, f.namespace),
      };
      if (f.oldObject) request.oldObject = f.oldObject as JsonObject;
      if (f.username !== undefined || f.groups !== undefined) request.userInfo = userInfoOf(f);
      if (f.subResource) request.subresource = f.subResource;
      request.namespace = f.namespace;
      return decideEach('kyverno', loaded, only, (l): EngineDecision => {
        const results = evaluateKyvernoPolicy(l.doc!, request, { namespaceLabels: f.namespaceLabels });
        const errors = results.filter((r) => r.status === 'error');
        if (errors.length)
          return { engine: 'kyverno', policy: l.policy, outcome: 'error', violations: [], error: errors.map((r) => `${r.rule}: ${r.message}`).join('; ') };
        const failed = results.filter((r) => r.status === 'fail' || r.status === 'warn');
        if (results.every((r) => r.status === 'skip')) {
          const reason = results.length ? 'spec.rules[*].preconditions not met (or excepted)' : 'no rule matched (spec.rules[*].match/exclude)';
          return { engine: 'kyverno', policy: l.policy, outcome: 'satisfied', action: 'skip', skipReason: reason, violations: [] };
        }
        if (!failed.length) return { engine: 'kyverno', policy: l.policy, outcome: 'satisfied', action: 'allow', violations: [] };
        const { action, source } = kyvernoAction(l.doc!, failed);
        return {
          engine: 'kyverno',
          policy: l.policy,
          outcome: 'violated',
          action,
          actionSource: source,
          violations: failed.map((r) => ({ rule: l.ruleIds.get(r.rule) ?? r.rule, message: ruleMessage(r) })),
          evidence: failed.map((r) => `rule ${r.rule}${r.path ? ` at pattern path ${r.path}` : ''}`),
        };
      });
    },
  };
};
