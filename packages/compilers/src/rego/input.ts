/**
 * The input document the generated Rego reads, built from an object and the admission context
 * the reference semantics take. This is the contract between the Rego target and any engine that
 * runs it (opa-wasm, `opa eval`): the shape is Gatekeeper's `input.review`, plus
 * `namespaceObject`, the request's Namespace, which recent Gatekeeper releases add to the review
 * (open-policy-agent/gatekeeper#4285).
 */
import type { AdmissionContext } from '@podsec/ir';

export interface GatekeeperInput {
  review: {
    object: unknown;
    operation?: string;
    namespace?: string;
    userInfo: { username?: string };
    namespaceObject: { metadata: { name: string; labels: Record<string, string> } };
  };
  parameters: Readonly<Record<string, unknown>>;
}

/**
 * Unset context fields are left out, as Gatekeeper's audit leaves out operation and user; the
 * namespace object is always present so a namespaceSelector is decided by the Rego itself.
 */
export function gatekeeperInput(object: unknown, ctx: AdmissionContext = {}, parameters: Readonly<Record<string, unknown>> = {}): GatekeeperInput {
  const own = typeof object === 'object' && object !== null ? (object as { metadata?: { namespace?: unknown } }).metadata?.namespace : undefined;
  const namespace = ctx.namespace ?? (typeof own === 'string' ? own : 'default');
  return {
    review: {
      object,
      ...(ctx.operation !== undefined ? { operation: ctx.operation } : {}),
      ...(ctx.namespace !== undefined ? { namespace: ctx.namespace } : {}),
      userInfo: ctx.username !== undefined ? { username: ctx.username } : {},
      namespaceObject: { metadata: { name: namespace, labels: { ...(ctx.namespaceLabels ?? {}) } } },
    },
    parameters,
  };
}
