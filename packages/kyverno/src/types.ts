/** Typed views of the Kyverno documents and results this engine works with. */
import type { JsonObject } from './json.js';

export type RuleStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

export interface RuleResult {
  policy: string;
  /** The rule name as evaluated (`autogen-…` for generated Pod-controller rules). */
  rule: string;
  status: RuleStatus;
  message: string;
  /** For `fail` from a pattern: the path in the pattern that failed, e.g. `/spec/containers/0/securityContext/`. */
  path?: string;
  /** The rule's effective failure action (for admission decisions). */
  failureAction?: 'Audit' | 'Enforce';
  /** Names of the PolicyExceptions that turned the rule into `skip`. */
  exceptions?: string[];
}

export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** The admission request the engine evaluates (what `kyverno test` builds per resource). */
export interface KyvernoAdmissionRequest {
  operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  /** The resource (`request.object`); `{}`/absent for DELETE. */
  object?: JsonObject | null;
  oldObject?: JsonObject | null;
  /** Admission user; omit for background-scan semantics (user filters in `match` are then ignored). */
  userInfo?: UserInfo;
  roles?: string[];
  clusterRoles?: string[];
  /** Subresource being admitted (`scale`, `status`, `ephemeralcontainers`, …). */
  subresource?: string;
  /** Group/version/kind of the admitted object when it differs from object.apiVersion/kind (subresources). */
  kind?: { group: string; version: string; kind: string };
  namespace?: string;
}

export interface EvaluationContext {
  /** Labels of the resource's namespace, for `namespaceSelector`. */
  namespaceLabels?: Record<string, string>;
  /** The Namespace object for classic `validate.cel` (`namespaceObject`). */
  namespaceObject?: JsonObject;
  /** PolicyExceptions (kyverno.io/v2) loaded with loadPolicyException. */
  exceptions?: readonly LoadedException[];
  /** Extra variables written into the JSON context before evaluation (e.g. CLI values), dotted keys allowed. */
  variables?: Record<string, unknown>;
  /** Variables injected for a single rule (the CLI's `policies[].rules[].values`). */
  ruleVariables?: Record<string, Record<string, unknown>>;
}

export interface LoadedPolicy {
  kind: 'ClusterPolicy' | 'Policy';
  name: string;
  namespace?: string;
  annotations: Record<string, string>;
  spec: JsonObject;
  /** The rules as authored. */
  rules: JsonObject[];
  /** The rules Kyverno evaluates: authored rules plus autogen-… rules for Pod controllers. */
  computedRules: JsonObject[];
  file: string;
}

export interface LoadedException {
  name: string;
  namespace?: string;
  spec: JsonObject;
  file: string;
}
