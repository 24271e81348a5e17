import type { CelActivation } from './compile.js';
import type { MatchRequest } from './match.js';
import { restMappingFor } from './restmapper.js';
import { isRecord } from './shape.js';
import type { AdmissionAttributes, GroupVersionKind, UserInfo } from './types.js';
import { toCel } from './values.js';

/** Admission attributes with kind, resource, name and namespace resolved. */
export interface ResolvedRequest extends MatchRequest {
  kind: GroupVersionKind;
  userInfo: UserInfo;
  dryRun: boolean;
  options: Record<string, unknown> | null;
  /**
   * false when the object's apiVersion is one the API server does not serve for its kind
   * (restmapper `served`): such a request never reaches admission.
   */
  served: boolean;
}

function meta(obj: Record<string, unknown> | null, field: 'name' | 'namespace'): string | undefined {
  const md = obj?.metadata;
  const v = isRecord(md) ? md[field] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** Fills in what the apiserver knows about a request from the object itself, through the REST mapping table. */
export function resolveRequest(attrs: AdmissionAttributes): ResolvedRequest {
  const obj = attrs.object ?? attrs.oldObject;
  let kind = attrs.kind;
  let resource = attrs.resource;
  let namespaced = true;
  if (!kind || !resource) {
    const apiVersion = obj?.apiVersion;
    const k = obj?.kind;
    if (typeof apiVersion !== 'string' || typeof k !== 'string') {
      throw new Error(
        'admission attributes: kind/resource not given and the object has no apiVersion/kind. ' +
          'Fix: pass attrs.kind and attrs.resource, or an object with apiVersion and kind',
      );
    }
    const mapping = restMappingFor(apiVersion, k);
    kind ??= mapping.gvk;
    resource ??= mapping.gvr;
    namespaced = mapping.namespaced;
  }
  const served = restMappingFor(kind.group ? `${kind.group}/${kind.version}` : kind.version, kind.kind).served;
  return {
    operation: attrs.operation,
    kind,
    resource,
    subResource: attrs.subResource ?? '',
    name: attrs.name ?? meta(obj, 'name') ?? '',
    namespace: attrs.namespace ?? (namespaced ? (meta(obj, 'namespace') ?? '') : ''),
    object: attrs.object,
    oldObject: attrs.oldObject,
    namespaceObject: attrs.namespaceObject ?? null,
    userInfo: attrs.userInfo ?? {},
    dryRun: attrs.dryRun ?? false,
    options: attrs.options ?? null,
    served,
  };
}

/**
 * The `request` variable: admission.k8s.io/v1 AdmissionRequest. The apiserver leaves the objects out (they are
 * `object` / `oldObject`); Kyverno converts the whole AdmissionRequest, so `request.object` exists there.
 */
export function celRequest(r: ResolvedRequest, includeObjects = false): Record<string, unknown> {
  return toCel({
    ...(includeObjects ? { object: r.object, oldObject: r.oldObject } : {}),
    kind: r.kind,
    resource: r.resource,
    subResource: r.subResource,
    requestKind: r.kind,
    requestResource: r.resource,
    requestSubResource: r.subResource,
    name: r.name,
    namespace: r.namespace,
    operation: r.operation,
    userInfo: { username: '', uid: '', groups: [], extra: {}, ...r.userInfo },
    dryRun: r.dryRun,
    options: r.options,
  }) as Record<string, unknown>;
}

/** Request data converted once per request and shared by every policy and binding evaluated against it. */
export interface CelRequestData {
  object: unknown;
  oldObject: unknown;
  request: Record<string, unknown>;
  namespaceObject: unknown;
}

export function celRequestData(r: ResolvedRequest, flavor: 'vap' | 'vpol' = 'vap'): CelRequestData {
  return {
    object: toCel(r.object),
    oldObject: toCel(r.oldObject),
    request: celRequest(r, flavor === 'vpol'),
    namespaceObject: toCel(r.namespaceObject),
  };
}

export function activationFor(data: CelRequestData, params: unknown): CelActivation {
  return { ...data, params: params === undefined ? null : toCel(params), variables: {}, authorizer: null };
}
