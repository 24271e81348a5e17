/**
 * Dispatch of ValidatingAdmissionPolicy (+ bindings) and Kyverno ValidatingPolicy documents to podsec's CEL
 * engines (../engines/cel), with the `kyverno test` conventions those engines implement (`compat: 'kyverno-cli'`).
 * A policy without a response for a resource (no binding applied / not matched) yields no result, which the
 * runner prints as "Excluded", like the CLI.
 */
import {
  CelPolicyShapeError,
  CelUnsupportedFeatureError,
  evaluateValidatingAdmissionPolicy,
  evaluateValidatingPolicy,
  loadCelPolicyException,
  type AdmissionAttributes,
  type CelPolicyException,
} from '@podsec/cel';
import { isObject, type JsonObject } from '../json.js';
import type { CelTestEvaluator, CelTestResult } from './cel-contract.js';

function nameOf(doc: JsonObject): string {
  const md = isObject(doc['metadata']) ? doc['metadata'] : {};
  return typeof md['name'] === 'string' ? md['name'] : '';
}

function failure(policy: string, kind: string, e: unknown): CelTestResult {
  if (e instanceof CelUnsupportedFeatureError) return { policy, kind, unsupported: true, message: e.message };
  if (e instanceof CelPolicyShapeError) return { policy, kind, invalid: true, message: e.message };
  throw e;
}

export const celTestEvaluator: CelTestEvaluator = {
  evaluate(input) {
    const attrs: AdmissionAttributes = {
      operation: input.operation,
      object: input.object,
      oldObject: input.oldObject,
      namespaceObject: input.namespaceObject,
    };
    const resource = input.object ?? input.oldObject;
    const md = resource && isObject(resource['metadata']) ? resource['metadata'] : {};
    if (typeof md['namespace'] === 'string' && md['namespace'] !== '') attrs.namespace = md['namespace'];
    if (typeof md['name'] === 'string') attrs.name = md['name'];
    if (input.userInfo) attrs.userInfo = input.userInfo;
    const bindings = input.documents.filter((d) => d['kind'] === 'ValidatingAdmissionPolicyBinding');
    const out: CelTestResult[] = [];
    // An exception that cannot be loaded makes every ValidatingPolicy result unsupported/invalid, never a pass.
    let exceptions: CelPolicyException[] = [];
    let exceptionFailure: unknown;
    try {
      exceptions = (input.exceptions ?? []).map((d) => loadCelPolicyException(d, `PolicyException ${nameOf(d)}`));
    } catch (e) {
      exceptionFailure = e;
    }
    for (const doc of input.documents) {
      const policy = nameOf(doc);
      if (doc['kind'] === 'ValidatingAdmissionPolicy') {
        try {
          const d = evaluateValidatingAdmissionPolicy(doc, bindings, attrs, { compat: 'kyverno-cli', paramResources: [...input.paramResources] });
          const message = [...d.denials, ...d.warnings, ...d.audits].map((v) => v.message).join('; ');
          out.push(
            d.kyvernoStatus === undefined
              ? { policy, kind: 'ValidatingAdmissionPolicy', message: 'no binding applied' }
              : { policy, kind: 'ValidatingAdmissionPolicy', status: d.kyvernoStatus, message },
          );
        } catch (e) {
          out.push(failure(policy, 'ValidatingAdmissionPolicy', e));
        }
      } else if (doc['kind'] === 'ValidatingPolicy') {
        try {
          if (exceptionFailure) throw exceptionFailure;
          const r = evaluateValidatingPolicy(doc, attrs, { exceptions });
          out.push(
            r.applied
              ? { policy, kind: 'ValidatingPolicy', status: r.status, message: r.message ?? '' }
              : { policy, kind: 'ValidatingPolicy', message: r.skipReason ?? 'not applied' },
          );
        } catch (e) {
          out.push(failure(policy, 'ValidatingPolicy', e));
        }
      }
    }
    return out;
  },
};
