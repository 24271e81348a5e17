import { SHARED_RESULTS, type CelActivation } from './compile.js';
import type { ExpressionMemo } from './share.js';
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
    matched: new Map(),
  };
}

/**
 * The `request` variable's fields: admission.k8s.io/v1 AdmissionRequest. The apiserver leaves the objects out
 * (they are `object` / `oldObject`); Kyverno converts the whole AdmissionRequest, so there `request.object`
 * exists too (CelAdmissionRequest.data adds them, already converted).
 */
function celRequestFields(r: ResolvedRequest): Record<string, unknown> {
  return toCel({
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
  /** Expression results on this request, one memo for both flavors (share.ts keys `request` uses by flavor). */
  shared: ExpressionMemo;
}

/**
 * One admission request, resolved (kind, resource, name, namespace) and converted to CEL values at most once,
 * for any number of ValidatingAdmissionPolicy and ValidatingPolicy evaluations: pass it instead of the
 * attributes to `evaluateValidatingAdmissionPolicy` / `evaluateValidatingPolicy`. Converting a Pod to CEL
 * values costs more than evaluating a policy's validations, so a caller deciding many policies (both kinds) on
 * one object prepares it once.
 *
 * Work happens on first use: a request no policy matches is never converted, and a request that cannot be
 * resolved throws from the evaluation that needed it, as with plain attributes. The attributes (and the
 * objects in them) must not be changed after preparing: the converted values are kept.
 */
export class CelAdmissionRequest {
  readonly attributes: AdmissionAttributes;
  #resolved: ResolvedRequest | undefined;
  #objects: Pick<CelRequestData, 'object' | 'oldObject' | 'namespaceObject'> | undefined;
  #requestFields: Record<string, unknown> | undefined;
  readonly #shared: ExpressionMemo = new Map();
  readonly #data: Partial<Record<'vap' | 'vpol', CelRequestData>> = {};

  constructor(attributes: AdmissionAttributes) {
    this.attributes = attributes;
  }

  /** The request as the apiserver sees it; throws when kind/resource are unknown and not derivable. */
  get resolved(): ResolvedRequest {
    this.#resolved ??= resolveRequest(this.attributes);
    return this.#resolved;
  }

  /** The CEL variables of the request; `vpol` adds the objects to `request`, as Kyverno does. */
  data(flavor: 'vap' | 'vpol'): CelRequestData {
    const hit = this.#data[flavor];
    if (hit) return hit;
    const r = this.resolved;
    this.#objects ??= { object: toCel(r.object), oldObject: toCel(r.oldObject), namespaceObject: toCel(r.namespaceObject) };
    this.#requestFields ??= celRequestFields(r);
    const { object, oldObject, namespaceObject } = this.#objects;
    const request = flavor === 'vpol' ? { object, oldObject, ...this.#requestFields } : this.#requestFields;
    const data: CelRequestData = { object, oldObject, request, namespaceObject, shared: this.#shared };
    this.#data[flavor] = data;
    return data;
  }
}

/** Prepares `attrs` once for many policy evaluations (see CelAdmissionRequest). */
export function prepareCelRequest(attrs: AdmissionAttributes | CelAdmissionRequest): CelAdmissionRequest {
  return attrs instanceof CelAdmissionRequest ? attrs : new CelAdmissionRequest(attrs);
}

export function activationFor(data: CelRequestData, params: unknown): CelActivation {
  return {
    object: data.object,
    oldObject: data.oldObject,
    request: data.request,
    namespaceObject: data.namespaceObject,
    params: params === undefined ? null : toCel(params),
    variables: {},
    authorizer: null,
    [SHARED_RESULTS]: data.shared,
  };
}
