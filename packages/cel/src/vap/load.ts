import { readCelBody, type CelBodySpec } from '../body.js';
import { readLabelSelector, type LabelSelector } from '../labels.js';
import { readMatchResources, type MatchResources } from '../match.js';
import { fail, oneOf, optionalRecord, optionalString, record, string, stringList, type ShapeContext } from '../shape.js';

export type FailurePolicy = 'Fail' | 'Ignore';
export type ValidationAction = 'Deny' | 'Warn' | 'Audit';

export interface VapPolicy extends CelBodySpec {
  name: string;
  source: string;
  failurePolicy: FailurePolicy;
  paramKind?: { apiVersion: string; kind: string };
  matchConstraints?: MatchResources;
}

export interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: LabelSelector;
  parameterNotFoundAction: 'Allow' | 'Deny';
}

export interface VapBinding {
  name: string;
  source: string;
  policyName: string;
  paramRef?: ParamRef;
  matchResources?: MatchResources;
  validationActions: ValidationAction[];
}

const VAP_API = 'admissionregistration.k8s.io/';

function checkKind(ctx: ShapeContext, doc: Record<string, unknown>, kind: string): void {
  const apiVersion = string(ctx, doc.apiVersion, 'apiVersion');
  if (!apiVersion.startsWith(VAP_API)) {
    fail(ctx, 'apiVersion', `expected ${VAP_API}v1, found ${JSON.stringify(apiVersion)}`, `set apiVersion: ${VAP_API}v1`);
  }
  if (doc.kind !== kind) fail(ctx, 'kind', `expected ${kind}, found ${JSON.stringify(doc.kind)}`, `set kind: ${kind}`);
}

/** Reads a ValidatingAdmissionPolicy; `source` names the file in errors. */
export function loadValidatingAdmissionPolicy(doc: unknown, source = '<policy>'): VapPolicy {
  const ctx = { source };
  const d = record(ctx, doc, '(document)');
  checkKind(ctx, d, 'ValidatingAdmissionPolicy');
  const md = record(ctx, d.metadata, 'metadata');
  const spec = record(ctx, d.spec, 'spec');
  const pk = optionalRecord(ctx, spec.paramKind, 'spec.paramKind');
  const policy: VapPolicy = {
    name: string(ctx, md.name, 'metadata.name'),
    source,
    failurePolicy: oneOf(ctx, spec.failurePolicy, 'spec.failurePolicy', ['Fail', 'Ignore'] as const, 'Fail'),
    ...readCelBody(ctx, spec, 'spec'),
  };
  if (pk) policy.paramKind = { apiVersion: string(ctx, pk.apiVersion, 'spec.paramKind.apiVersion'), kind: string(ctx, pk.kind, 'spec.paramKind.kind') };
  const mc = readMatchResources(ctx, spec.matchConstraints, 'spec.matchConstraints');
  if (mc) policy.matchConstraints = mc;
  return policy;
}

const ACTIONS = ['Deny', 'Warn', 'Audit'] as const;

export interface BindingLoadOptions {
  /**
   * Used when validationActions is empty. The apiserver requires the field; `kyverno test` evaluates such a
   * binding anyway and reports failures, which `['Deny']` reproduces.
   */
  defaultValidationActions?: ValidationAction[];
}

/** Reads a ValidatingAdmissionPolicyBinding, enforcing the apiserver's rules on validationActions. */
export function loadValidatingAdmissionPolicyBinding(doc: unknown, source = '<binding>', options: BindingLoadOptions = {}): VapBinding {
  const ctx = { source };
  const d = record(ctx, doc, '(document)');
  checkKind(ctx, d, 'ValidatingAdmissionPolicyBinding');
  const md = record(ctx, d.metadata, 'metadata');
  const spec = record(ctx, d.spec, 'spec');
  const written = stringList(ctx, spec.validationActions, 'spec.validationActions');
  const actions = written.length === 0 && options.defaultValidationActions ? [...options.defaultValidationActions] : written;
  if (actions.length === 0) fail(ctx, 'spec.validationActions', 'at least one action is required', 'set validationActions: [Deny] (or Warn / Audit)');
  actions.forEach((a, i) => {
    if (!(ACTIONS as readonly string[]).includes(a))
      fail(ctx, `spec.validationActions[${i}]`, `unknown action ${JSON.stringify(a)}`, `use ${ACTIONS.join(', ')}`);
  });
  if (new Set(actions).size !== actions.length) fail(ctx, 'spec.validationActions', 'actions must be unique', 'list each action once');
  if (actions.includes('Deny') && actions.includes('Warn')) {
    fail(
      ctx,
      'spec.validationActions',
      'Deny and Warn cannot be used together (a denied request already returns the failure to the client)',
      'keep Deny, or use Warn with Audit',
    );
  }
  const binding: VapBinding = {
    name: string(ctx, md.name, 'metadata.name'),
    source,
    policyName: string(ctx, spec.policyName, 'spec.policyName'),
    validationActions: actions as ValidationAction[],
  };
  const pr = optionalRecord(ctx, spec.paramRef, 'spec.paramRef');
  if (pr) {
    const ref: ParamRef = {
      parameterNotFoundAction: oneOf(ctx, pr.parameterNotFoundAction, 'spec.paramRef.parameterNotFoundAction', ['Allow', 'Deny'] as const, 'Deny'),
    };
    const name = optionalString(ctx, pr.name, 'spec.paramRef.name');
    const namespace = optionalString(ctx, pr.namespace, 'spec.paramRef.namespace');
    const selector = readLabelSelector(ctx, pr.selector, 'spec.paramRef.selector');
    if (name && selector) fail(ctx, 'spec.paramRef', 'name and selector are mutually exclusive', 'keep one of them');
    if (!name && !selector) fail(ctx, 'spec.paramRef', 'one of name or selector is required', 'set paramRef.name or paramRef.selector');
    if (name) ref.name = name;
    if (namespace) ref.namespace = namespace;
    if (selector) ref.selector = selector;
    binding.paramRef = ref;
  }
  const mr = readMatchResources(ctx, spec.matchResources, 'spec.matchResources');
  if (mr) binding.matchResources = mr;
  return binding;
}
