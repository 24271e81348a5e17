import type { AdmissionContext } from '@podsec/ir';
import {
  evaluateValidatingAdmissionPolicy,
  evaluateValidatingPolicy,
  prepareCelRequest,
  type AdmissionAttributes,
  type CelAdmissionRequest,
  type CelDiagnostic,
} from '@podsec/cel';
import type { AdapterFactory, AdmissionAction, EngineDecision, LoadedBuild } from '../types.js';
import { admissionFacts, decideEach, namespaceObject, policyNames, targetEntry, userInfoOf, yamlDocuments } from './admission.js';

/** The API's validation actions as admission actions; Deny wins, then Warn (shown to the client), then Audit. */
const ACTIONS: readonly [string, AdmissionAction][] = [
  ['Deny', 'deny'],
  ['Warn', 'warn'],
  ['Audit', 'audit'],
];

/** Kyverno's skip reasons, named by the field that decided. */
const VPOL_SKIP: Readonly<Record<string, string>> = {
  'not-matched': 'spec.matchConstraints not matched',
  'match-conditions': 'spec.matchConditions not met',
  'evaluation-disabled': 'spec.evaluation disables admission',
};

function actionOf(actions: readonly string[]): AdmissionAction {
  return ACTIONS.find(([a]) => actions.includes(a))?.[1] ?? 'allow';
}
import type { VapManifestEntry, VpolManifestEntry } from '@podsec/compilers';

type Obj = Record<string, unknown>;

function attributes(object: unknown, ctx: AdmissionContext): AdmissionAttributes {
  const f = admissionFacts(object, ctx);
  return {
    operation: f.operation,
    object: f.object,
    oldObject: f.oldObject,
    kind: f.kind,
    resource: f.resource,
    ...(f.subResource ? { subResource: f.subResource } : {}),
    name: f.name,
    namespace: f.namespace,
    namespaceObject: namespaceObject(f),
    ...(f.username !== undefined || f.groups !== undefined ? { userInfo: userInfoOf(f) } : {}),
  };
}

function sameContext(a: AdmissionContext, b: AdmissionContext): boolean {
  if (a === b) return true;
  const ka = Object.keys(a) as (keyof AdmissionContext)[];
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/**
 * The last object's request, resolved and converted to CEL values once: converting a Pod costs more than
 * evaluating a policy, and verify runs the vpol and vap adapters back to back on each object (every policy of
 * both). Keyed by the object's identity, so it relies on objects not being changed between evaluations, which
 * verify's fixtures and eval's parsed resources never are.
 */
let lastRequest: { object: unknown; ctx: AdmissionContext; request: CelAdmissionRequest } | undefined;

function preparedRequest(object: unknown, ctx: AdmissionContext): CelAdmissionRequest {
  if (lastRequest && lastRequest.object === object && sameContext(lastRequest.ctx, ctx)) return lastRequest.request;
  const request = prepareCelRequest(attributes(object, ctx));
  lastRequest = { object, ctx, request };
  return request;
}

/** `spec.validations[3].expression` → 3, to name the IR rule behind a failed validation. */
const validationIndex = (path?: string) => Number(/validations\[(\d+)\]/.exec(path ?? '')?.[1] ?? -1);

/** The IR rule behind a validation path, memoised per policy (the same few paths recur on every request). */
function ruleFor(l: Loaded, path?: string): string {
  const key = path ?? '';
  let rule = l.rules.get(key);
  if (rule === undefined) l.rules.set(key, (rule = (l.entry.rules ?? [])[validationIndex(path)] ?? ''));
  return rule;
}

/** One policy's documents, split once: every request evaluates them. */
interface Loaded {
  policy: string;
  files: string[];
  entry: VapManifestEntry | VpolManifestEntry;
  docs: Obj[];
  /** The ValidatingAdmissionPolicy (vap) or ValidatingPolicy (vpol) document. */
  policyDoc: Obj | undefined;
  bindings: Obj[];
  options: { source: string };
  rules: Map<string, string>;
  error?: unknown;
}

function loadAll(build: LoadedBuild, target: 'vap' | 'kyvernoVpol'): Loaded[] {
  return policyNames(build).map((policy) => {
    const entry = targetEntry(build, policy, target);
    const files = [String(entry.file)];
    const common = { policy, files, entry, options: { source: entry.file }, rules: new Map<string, string>() };
    try {
      const docs = yamlDocuments(build, entry.file);
      const policyDoc = target === 'vap' ? docs.find((d) => d.kind === 'ValidatingAdmissionPolicy') : docs[0];
      return { ...common, docs, policyDoc, bindings: docs.filter((d) => d.kind === 'ValidatingAdmissionPolicyBinding') };
    } catch (error) {
      return { ...common, docs: [], policyDoc: undefined, bindings: [], error };
    }
  });
}

/** Configuration errors of a compiled policy, joined once per diagnostics list (they are fixed per policy); null: none. */
const configErrorCache = new WeakMap<readonly CelDiagnostic[], string | null>();
function configErrors(diagnostics: readonly CelDiagnostic[]): string | null {
  let joined = configErrorCache.get(diagnostics);
  if (joined === undefined) {
    const errors = diagnostics.filter((x) => x.severity === 'error' && x.kind !== 'cost');
    joined = errors.length ? errors.map((x) => x.message).join('; ') : null;
    configErrorCache.set(diagnostics, joined);
  }
  return joined;
}

/** The ValidatingAdmissionPolicy and its binding, as the apiserver runs them (every validation). */
export const vapAdapterFactory: AdapterFactory = async (build) => {
  const loaded = loadAll(build, 'vap');
  return {
    id: 'vap',
    describe: () => 'ValidatingAdmissionPolicy + binding run with apiserver semantics in @marcbachmann/cel-js',
    // Each validation's messageExpression renders the rule's message naming the offending containers.
    comparesMessages: true,
    evaluate(object, ctx, only) {
      const attrs = preparedRequest(object, ctx);
      return decideEach('vap', loaded, only, (l): EngineDecision => {
        const d = evaluateValidatingAdmissionPolicy(l.policyDoc, l.bindings, attrs, l.options);
        const configError = configErrors(d.diagnostics);
        if (configError !== null) return { engine: 'vap', policy: l.policy, outcome: 'error', violations: [], error: configError };
        if (!d.matched)
          return {
            engine: 'vap',
            policy: l.policy,
            outcome: 'satisfied',
            action: 'skip',
            skipReason: d.notServed ?? 'spec.matchConstraints not matched',
            violations: [],
          };
        const evaluated = d.bindings.some((b) => b.matched && b.evaluations.some((e) => e.matchConditions !== 'not-matched'));
        if (!evaluated) {
          const reason = d.bindings.some((b) => b.matched) ? 'spec.matchConditions not met' : 'no binding matched';
          return { engine: 'vap', policy: l.policy, outcome: 'satisfied', action: 'skip', skipReason: reason, violations: [] };
        }
        if (!d.denials.length && !d.warnings.length && !d.audits.length)
          return { engine: 'vap', policy: l.policy, outcome: 'satisfied', action: 'allow', violations: [] };
        const all = d.denials.concat(d.warnings, d.audits);
        const fired = d.bindings.filter((b) => b.matched && b.evaluations.some((e) => e.validations.some((v) => v.result !== 'pass')));
        const actions = fired.flatMap((b) => b.validationActions);
        return {
          engine: 'vap',
          policy: l.policy,
          outcome: 'violated',
          action: actionOf(actions),
          actionSource: {
            file: String(l.entry.file),
            path: `ValidatingAdmissionPolicyBinding ${fired.map((b) => b.binding).join(', ')}: spec.validationActions`,
            found: JSON.stringify(actions),
          },
          violations: all.map((v) => ({ rule: ruleFor(l, v.expressionPath), message: v.message })),
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
    comparesMessages: true,
    evaluate(object, ctx, only) {
      const attrs = preparedRequest(object, ctx);
      return decideEach('vpol', loaded, only, (l): EngineDecision => {
        const r = evaluateValidatingPolicy(l.policyDoc, attrs, l.options);
        if (r.status === 'error')
          return { engine: 'vpol', policy: l.policy, outcome: 'error', violations: [], error: r.error?.message ?? r.message ?? 'error' };
        const violated = r.status === 'fail' || r.status === 'warn';
        // Kyverno would refuse the policy: that is an error here, never a quiet skip.
        if (r.skipReason === 'invalid-policy')
          return {
            engine: 'vpol',
            policy: l.policy,
            outcome: 'error',
            violations: [],
            error:
              r.diagnostics
                .filter((x) => x.severity === 'error')
                .map((x) => x.message)
                .join('; ') || 'invalid policy',
          };
        if (r.status === 'skip')
          return {
            engine: 'vpol',
            policy: l.policy,
            outcome: 'satisfied',
            action: 'skip',
            skipReason: VPOL_SKIP[r.skipReason ?? ''] ?? 'skipped',
            violations: [],
          };
        return {
          engine: 'vpol',
          policy: l.policy,
          outcome: violated ? 'violated' : 'satisfied',
          action: violated ? actionOf(r.validationActions) : 'allow',
          ...(violated ? { actionSource: { file: String(l.entry.file), path: 'spec.validationActions', found: JSON.stringify(r.validationActions) } } : {}),
          violations: violated ? [{ rule: ruleFor(l, r.failedValidation?.expressionPath), message: r.message ?? '' }] : [],
          partial: true,
          evidence: violated && r.failedValidation ? [`${r.failedValidation.expressionPath}: ${r.failedValidation.expression}`] : [],
        };
      });
    },
  };
};
