/**
 * Kyverno's CEL PolicyException (`policies.kyverno.io` PolicyException) for ValidatingPolicy: an exception
 * names policies in `spec.policyRefs` ({name, kind}) and applies to a request when all of its CEL
 * `spec.matchConditions` are true (same variables as the policy: object, oldObject, request, namespaceObject).
 * A matched policy whose request an exception covers is skipped — a `skip` response naming the exception —
 * before its own matchConditions and validations run (pkg/cel/policies/vpol/engine). A condition that errors
 * makes the policy's result an error. Image-based exceptions (`spec.images`) and `spec.allowedValues` are not
 * evaluated and are refused when loading.
 */
import { compileBody, evaluateMatchConditions, type CompiledBody, type NamedExpressionSpec } from '../body.js';
import type { CelActivation } from '../compile.js';
import { fail, isRecord, list, optionalString, record, string, type ShapeContext } from '../shape.js';
import type { CelError } from '../types.js';
import { CelUnsupportedFeatureError } from './unsupported.js';
import { VPOL_API_VERSIONS } from './load.js';

export interface CelPolicyException {
  name: string;
  namespace?: string;
  source: string;
  policyRefs: { name: string; kind?: string }[];
  body: CompiledBody;
}

/** Fields of the exception spec podsec does not evaluate (a silent pass would be wrong, so loading refuses). */
const UNSUPPORTED_FIELDS: Record<string, string> = {
  images: 'image-based exceptions (spec.images)',
  allowedValues: 'exception values passed to the policy (spec.allowedValues)',
};

function readMatchConditions(ctx: ShapeContext, v: unknown, path: string): NamedExpressionSpec[] {
  const seen = new Set<string>();
  return list(ctx, v, path).map((x, i) => {
    const p = `${path}[${i}]`;
    if (!isRecord(x)) return fail(ctx, p, 'expected an object', 'write {name, expression}');
    const name = string(ctx, x.name, `${p}.name`);
    if (seen.has(name)) fail(ctx, `${p}.name`, `duplicate name ${JSON.stringify(name)}`, 'give every condition a unique name');
    seen.add(name);
    return { name, expression: string(ctx, x.expression, `${p}.expression`) };
  });
}

export function loadCelPolicyException(doc: unknown, source = '<exception>'): CelPolicyException {
  const ctx = { source };
  const d = record(ctx, doc, '(document)');
  const apiVersion = string(ctx, d.apiVersion, 'apiVersion');
  if (!(VPOL_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    fail(ctx, 'apiVersion', `unsupported apiVersion ${JSON.stringify(apiVersion)}`, `use one of ${VPOL_API_VERSIONS.join(', ')}`);
  }
  if (d.kind !== 'PolicyException') fail(ctx, 'kind', `expected PolicyException, found ${JSON.stringify(d.kind)}`, 'set kind: PolicyException');
  const md = record(ctx, d.metadata, 'metadata');
  const spec = record(ctx, d.spec, 'spec');
  for (const [field, what] of Object.entries(UNSUPPORTED_FIELDS)) {
    const v = spec[field];
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) throw new CelUnsupportedFeatureError(source, `spec.${field}`, what);
  }
  const policyRefs = list(ctx, spec.policyRefs, 'spec.policyRefs').map((r, i) => {
    const p = `spec.policyRefs[${i}]`;
    if (!isRecord(r)) return fail(ctx, p, 'expected an object', 'write {name, kind}');
    const kind = optionalString(ctx, r.kind, `${p}.kind`);
    return { name: string(ctx, r.name, `${p}.name`), ...(kind !== undefined ? { kind } : {}) };
  });
  if (policyRefs.length === 0) fail(ctx, 'spec.policyRefs', 'the exception names no policy', 'add spec.policyRefs: [{name, kind: ValidatingPolicy}]');
  const name = string(ctx, md.name, 'metadata.name');
  const matchConditions = readMatchConditions(ctx, spec.matchConditions, 'spec.matchConditions');
  const body = compileBody(
    { matchConditions, variables: [], validations: [], auditAnnotations: [] },
    { flavor: 'vpol', hasParams: false, policy: name, source, specPath: 'spec' },
  );
  const broken = body.diagnostics.find((x) => x.severity === 'error');
  if (broken) fail(ctx, broken.expressionPath, `does not compile: ${broken.message}`, 'fix the CEL expression');
  const namespace = optionalString(ctx, md.namespace, 'metadata.namespace');
  return { name, ...(namespace !== undefined ? { namespace } : {}), source, policyRefs, body };
}

export type ExceptionOutcome = { state: 'none' } | { state: 'excepted'; names: string[] } | { state: 'error'; exception: string; error: CelError };

/** Which of `exceptions` name this ValidatingPolicy and cover the request. */
export function matchingExceptions(exceptions: readonly CelPolicyException[], policy: string, activation: CelActivation): ExceptionOutcome {
  const names: string[] = [];
  for (const ex of exceptions) {
    if (!ex.policyRefs.some((r) => r.name === policy && (r.kind === undefined || r.kind === 'ValidatingPolicy'))) continue;
    const mc = evaluateMatchConditions(ex.body, activation);
    if (mc.state === 'error') {
      const first = mc.errors[0]!;
      return {
        state: 'error',
        exception: ex.name,
        error: { ...first.error, message: `PolicyException ${ex.name}: matchCondition ${first.condition}: ${first.error.message}` },
      };
    }
    if (mc.state === 'match') names.push(ex.name);
  }
  return names.length > 0 ? { state: 'excepted', names } : { state: 'none' };
}
