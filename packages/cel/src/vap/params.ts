import { labelsOf, selectorMatches } from '../labels.js';
import type { ResolvedRequest } from '../request.js';
import { restMappingFor } from '../restmapper.js';
import { isRecord } from '../shape.js';
import type { VapBinding, VapPolicy } from './load.js';

/** How `params` are found for one binding (k8s.io/apiserver/pkg/admission/plugin/policy/generic/policy_dispatcher.go). */
export type ParamResolution = { ok: true; params: (Record<string, unknown> | null)[] } | { ok: false; error: string } | { ok: 'allow' };

export interface ParamSource {
  paramResources?: unknown[];
  compat?: 'apiserver' | 'kyverno-cli';
}

export function paramKey(p: Record<string, unknown> | null): string | null {
  if (!p) return null;
  const md = isRecord(p.metadata) ? p.metadata : {};
  return `${typeof md.namespace === 'string' ? md.namespace : ''}/${typeof md.name === 'string' ? md.name : ''}`;
}

function metaString(o: Record<string, unknown>, f: 'name' | 'namespace'): string {
  const md = isRecord(o.metadata) ? o.metadata : {};
  return typeof md[f] === 'string' ? md[f] : '';
}

/** k8s.io/apiserver/pkg/admission/plugin/policy/generic/policy_dispatcher.go collectParams. */
export function resolveParams(policy: VapPolicy, binding: VapBinding, req: ResolvedRequest, options: ParamSource): ParamResolution {
  if (!policy.paramKind) {
    return binding.paramRef
      ? { ok: false, error: `binding ${binding.name} sets paramRef but policy ${policy.name} has no paramKind` }
      : { ok: true, params: [null] };
  }
  const ref = binding.paramRef;
  if (!ref) return { ok: false, error: `policy ${policy.name} has paramKind ${policy.paramKind.kind} but binding ${binding.name} has no paramRef` };
  const { apiVersion, kind } = policy.paramKind;
  const candidates = (options.paramResources ?? []).filter((p): p is Record<string, unknown> => isRecord(p) && p.apiVersion === apiVersion && p.kind === kind);
  let found: Record<string, unknown>[];
  if (options.compat === 'kyverno-cli') {
    // pkg/admissionpolicy: selector → every labelled match; otherwise the first object matching name/namespace.
    found = ref.selector
      ? candidates.filter((p) => selectorMatches(ref.selector, labelsOf(p)))
      : candidates
          .filter((p) => (!ref.name || metaString(p, 'name') === ref.name) && (!ref.namespace || metaString(p, 'namespace') === ref.namespace))
          .slice(0, 1);
  } else {
    let namespace = ref.namespace ?? '';
    if (!ref.namespace && restMappingFor(apiVersion, kind).namespaced) {
      if (req.namespace === '') {
        return { ok: false, error: `cannot use a namespaced paramRef without namespace in binding ${binding.name} for a cluster-scoped request` };
      }
      namespace = req.namespace;
    }
    found = candidates.filter(
      (p) => metaString(p, 'namespace') === namespace && (ref.name ? metaString(p, 'name') === ref.name : selectorMatches(ref.selector, labelsOf(p))),
    );
  }
  if (found.length > 0) return { ok: true, params: found };
  return ref.parameterNotFoundAction === 'Allow'
    ? { ok: 'allow' }
    : { ok: false, error: `no params found for policy binding ${binding.name} with Deny parameterNotFoundAction` };
}
