import {
  ALL_POD_KINDS,
  IR_VERSION,
  validatePolicyIR,
  type Check,
  type LabelSelector,
  type MessagePart,
  type Mode,
  type Operation,
  type ParamValues,
  type PodKind,
  type PolicyIR,
  type Severity,
} from '@podsec/ir';
import { parameterSchemas } from './parameters.js';
import type { RefHolder } from './refs.js';

export interface RuleDefinition {
  /** DNS label, unique in the policy (it becomes the Kyverno rule name). */
  id: string;
  /** Shown when the rule is violated; written as plain text, escaped for every engine. */
  message: string;
  /**
   * What each offending container must do (`must set securityContext.privileged=false`): the
   * message then names them, `message (containers "a", "b" detail)`, in every engine.
   */
  detail?: string;
  /**
   * The text for each offending container, replacing `message (containers … detail)`, e.g. to keep
   * gatekeeper-library's wording: perContainer`only read-only root filesystem container is allowed: ${containerName}`.
   * The violation reports the texts joined by `; `, or `message` when no container is named.
   */
  containerMessage?: MessagePart[];
  /** The rule applies only when this holds (e.g. not(pod('os.name').equals('windows'))). */
  when?: Check;
  require: Check;
}

export interface PolicyDefinition {
  name: string;
  title: string;
  description?: string;
  severity?: Severity;
  /** enforce (deny), audit (record), warn (warn the client). Default: enforce. */
  mode?: Mode;
  pss?: { check: string; control: string; levels: ('baseline' | 'restricted')[]; version?: string };
  match?: {
    /** Pod and all Pod controllers by default. */
    kinds?: PodKind[];
    /** CREATE and UPDATE by default. */
    operations?: Operation[];
    namespaces?: { include?: string[]; exclude?: string[] };
    namespaceSelector?: LabelSelector;
    objectSelector?: LabelSelector;
  };
  /** Pod Security Admission style exemptions. */
  exemptions?: { usernames?: string[]; runtimeClasses?: string[]; namespaces?: string[] };
  /** Declared parameters: the object `parameters({...})` returns (its references are used in the rules). */
  parameters?: object;
  /** This instance's parameter values (unset ones take their defaults); `withParameters` makes other instances. */
  values?: ParamValues;
  /**
   * Containers whose image matches one of these patterns (exact, or a prefix when ending with
   * `*`) are skipped by every container-scoped check: a list, or a string-list parameter.
   */
  exemptImages?: string[] | RefHolder<string[] | undefined>;
  /** The Gatekeeper constraint kind, to be a drop-in for an existing template (e.g. `K8sPSPHostFilesystem`). */
  constraintKind?: string;
  rules: RuleDefinition[];
}

const POLICY = Symbol.for('podsec.policy');

/** A validated policy; `ir` is what every compiler reads. */
export interface Policy {
  readonly [POLICY]: true;
  readonly ir: PolicyIR;
}

export function isPolicy(value: unknown): value is Policy {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[POLICY] === true;
}

export const DEFAULT_PSS_VERSION = 'v1.37';

const sortedUnique = (xs: readonly string[] = []) => [...new Set(xs)].sort();

/**
 * Defines a policy. Everything is checked now, at definition time, and a misuse throws a
 * PolicyDefinitionError naming the policy, rule and field with the fix.
 */
export function definePolicy(def: PolicyDefinition): Policy {
  const ir: PolicyIR = {
    irVersion: IR_VERSION,
    name: def.name,
    title: def.title,
    description: def.description ?? '',
    severity: def.severity ?? 'medium',
    mode: def.mode ?? 'enforce',
    ...(def.pss
      ? { pss: { check: def.pss.check, control: def.pss.control, levels: [...def.pss.levels], version: def.pss.version ?? DEFAULT_PSS_VERSION } }
      : {}),
    source: '<inline>',
    match: {
      kinds: def.match?.kinds ? ALL_POD_KINDS.filter((k) => def.match!.kinds!.includes(k)) : [...ALL_POD_KINDS],
      operations: def.match?.operations ? (['CREATE', 'UPDATE'] as const).filter((o) => def.match!.operations!.includes(o)) : ['CREATE', 'UPDATE'],
      namespaces: { include: sortedUnique(def.match?.namespaces?.include), exclude: sortedUnique(def.match?.namespaces?.exclude) },
      ...(def.match?.namespaceSelector ? { namespaceSelector: def.match.namespaceSelector } : {}),
      ...(def.match?.objectSelector ? { objectSelector: def.match.objectSelector } : {}),
    },
    exemptions: {
      usernames: sortedUnique(def.exemptions?.usernames),
      runtimeClasses: sortedUnique(def.exemptions?.runtimeClasses),
      namespaces: sortedUnique(def.exemptions?.namespaces),
    },
    ...parameterFields(def),
    rules: def.rules.map((r) => ({
      id: r.id,
      message: r.message,
      ...(r.detail ? { detail: r.detail } : {}),
      ...(r.containerMessage ? { containerMessage: r.containerMessage } : {}),
      ...(r.when ? { when: r.when } : {}),
      require: r.require,
    })),
  };
  validatePolicyIR(ir);
  // The IR is data: a deep copy detaches it from builder objects the author might mutate later.
  return Object.freeze({ [POLICY]: true as const, ir: JSON.parse(JSON.stringify(ir)) as PolicyIR });
}

function parameterFields(def: PolicyDefinition): Pick<PolicyIR, 'parameters' | 'values' | 'exemptImages' | 'constraintKind'> {
  const schemas = def.parameters ? parameterSchemas(def.parameters) : undefined;
  if (def.parameters && !schemas) throw new TypeError(`policy "${def.name}": \`parameters\` must be the object parameters({...}) returns`);
  const exempt = def.exemptImages;
  return {
    ...(def.constraintKind ? { constraintKind: def.constraintKind } : {}),
    ...(schemas ? { parameters: schemas } : {}),
    ...(def.values ? { values: def.values } : {}),
    ...(exempt === undefined ? {} : { exemptImages: Array.isArray(exempt) ? [...exempt] : ((exempt as RefHolder<unknown>).ref as PolicyIR['exemptImages']) }),
  };
}

/**
 * Another instance of a parameterised policy: the same declaration with other parameter values
 * (and, optionally, another name), as a Gatekeeper Constraint instantiates a template.
 */
export function withParameters(policy: Policy, values: ParamValues, overrides: Partial<Pick<PolicyIR, 'name' | 'title' | 'mode' | 'match'>> = {}): Policy {
  const ir: PolicyIR = { ...policy.ir, ...overrides, values };
  validatePolicyIR(ir);
  return Object.freeze({ [POLICY]: true as const, ir: JSON.parse(JSON.stringify(ir)) as PolicyIR });
}

/** The same policy in another mode or scope, e.g. a warn-mode twin of an enforce policy. */
export function withOverrides(policy: Policy, overrides: Partial<Pick<PolicyIR, 'name' | 'title' | 'mode' | 'exemptions' | 'match'>>): Policy {
  const ir = { ...policy.ir, ...overrides };
  validatePolicyIR(ir);
  return Object.freeze({ [POLICY]: true as const, ir: JSON.parse(JSON.stringify(ir)) as PolicyIR });
}
