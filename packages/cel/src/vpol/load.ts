import { readCelBody, type CelBodySpec } from '../body.js';
import { readMatchResources, type MatchResources } from '../match.js';
import { fail, oneOf, optionalBool, optionalRecord, optionalString, record, string, stringList, type ShapeContext } from '../shape.js';
import type { FailurePolicy, ValidationAction } from '../vap/load.js';

export const VPOL_API_VERSIONS = ['policies.kyverno.io/v1', 'policies.kyverno.io/v1beta1', 'policies.kyverno.io/v1alpha1'] as const;

/** Only Kubernetes mode evaluates admission requests; the others take JSON/HTTP/Envoy payloads. */
export const EVALUATION_MODES = ['Kubernetes', 'JSON', 'HTTP', 'Envoy'] as const;
export type EvaluationMode = (typeof EVALUATION_MODES)[number];

export interface VpolPolicy extends CelBodySpec {
  name: string;
  source: string;
  apiVersion: string;
  failurePolicy: FailurePolicy;
  matchConstraints?: MatchResources;
  validationActions: ValidationAction[];
  admissionEnabled: boolean;
  backgroundEnabled: boolean;
  mode: EvaluationMode;
  /** spec.autogen.podControllers.controllers; undefined means every supported controller. */
  autogenControllers?: string[];
  /** `policies.kyverno.io/scored: "false"` turns fail into warn in reports. */
  scored: boolean;
  /** The spec as written, for textual autogen rewriting. */
  rawSpec: Record<string, unknown>;
}

const ACTIONS = ['Deny', 'Warn', 'Audit'] as const;

export function readVpolSpec(
  ctx: ShapeContext,
  spec: Record<string, unknown>,
  specPath: string,
): Omit<VpolPolicy, 'name' | 'source' | 'apiVersion' | 'scored' | 'rawSpec'> {
  const actions = stringList(ctx, spec.validationActions, `${specPath}.validationActions`);
  actions.forEach((a, i) => {
    if (!(ACTIONS as readonly string[]).includes(a))
      fail(ctx, `${specPath}.validationActions[${i}]`, `unknown action ${JSON.stringify(a)}`, `use ${ACTIONS.join(', ')}`);
  });
  if (actions.includes('Deny') && actions.includes('Warn')) {
    fail(ctx, `${specPath}.validationActions`, 'Deny and Warn cannot be used together', 'keep Deny, or use Warn with Audit');
  }
  const evaluation = optionalRecord(ctx, spec.evaluation, `${specPath}.evaluation`) ?? {};
  const admission = optionalRecord(ctx, evaluation.admission, `${specPath}.evaluation.admission`) ?? {};
  const background = optionalRecord(ctx, evaluation.background, `${specPath}.evaluation.background`) ?? {};
  const autogen = optionalRecord(ctx, spec.autogen, `${specPath}.autogen`) ?? {};
  const podControllers = optionalRecord(ctx, autogen.podControllers, `${specPath}.autogen.podControllers`);
  const out: Omit<VpolPolicy, 'name' | 'source' | 'apiVersion' | 'scored' | 'rawSpec'> = {
    failurePolicy: oneOf(ctx, spec.failurePolicy, `${specPath}.failurePolicy`, ['Fail', 'Ignore'] as const, 'Fail'),
    // policiesv1beta1.ValidatingPolicySpec.ValidationActions(): Deny when unset.
    validationActions: actions.length > 0 ? (actions as ValidationAction[]) : ['Deny'],
    admissionEnabled: optionalBool(ctx, admission.enabled, `${specPath}.evaluation.admission.enabled`) ?? true,
    backgroundEnabled: optionalBool(ctx, background.enabled, `${specPath}.evaluation.background.enabled`) ?? true,
    mode: oneOf(ctx, evaluation.mode, `${specPath}.evaluation.mode`, EVALUATION_MODES, 'Kubernetes'),
    ...readCelBody(ctx, spec, specPath),
  };
  if (podControllers && podControllers.controllers !== undefined && podControllers.controllers !== null) {
    out.autogenControllers = stringList(ctx, podControllers.controllers, `${specPath}.autogen.podControllers.controllers`);
  }
  const mc = readMatchResources(ctx, spec.matchConstraints, `${specPath}.matchConstraints`);
  if (mc) out.matchConstraints = mc;
  return out;
}

/** Reads a Kyverno ValidatingPolicy (policies.kyverno.io v1, v1beta1 or v1alpha1). */
export function loadValidatingPolicy(doc: unknown, source = '<policy>'): VpolPolicy {
  const ctx = { source };
  const d = record(ctx, doc, '(document)');
  const apiVersion = string(ctx, d.apiVersion, 'apiVersion');
  if (!(VPOL_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    fail(ctx, 'apiVersion', `unsupported apiVersion ${JSON.stringify(apiVersion)}`, `use one of ${VPOL_API_VERSIONS.join(', ')}`);
  }
  if (d.kind !== 'ValidatingPolicy') fail(ctx, 'kind', `expected ValidatingPolicy, found ${JSON.stringify(d.kind)}`, 'set kind: ValidatingPolicy');
  const md = record(ctx, d.metadata, 'metadata');
  const annotations = optionalRecord(ctx, md.annotations, 'metadata.annotations') ?? {};
  const spec = record(ctx, d.spec, 'spec');
  return {
    name: string(ctx, md.name, 'metadata.name'),
    source,
    apiVersion,
    scored: optionalString(ctx, annotations['policies.kyverno.io/scored'], 'metadata.annotations["policies.kyverno.io/scored"]') !== 'false',
    rawSpec: spec,
    ...readVpolSpec(ctx, spec, 'spec'),
  };
}
