/** Shared types of the CEL engines (ValidatingAdmissionPolicy and Kyverno ValidatingPolicy). */

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/**
 * One admission request, as the apiserver hands it to admission plugins. `kind` and `resource` are derived
 * from the object's apiVersion/kind through the built-in REST mapping table when omitted.
 */
export interface AdmissionAttributes {
  operation: AdmissionOperation;
  /** null on DELETE. */
  object: Record<string, unknown> | null;
  /** null on CREATE. */
  oldObject: Record<string, unknown> | null;
  kind?: GroupVersionKind;
  resource?: GroupVersionResource;
  /** e.g. `ephemeralcontainers` for `pods/ephemeralcontainers`. */
  subResource?: string;
  name?: string;
  namespace?: string;
  /** The Namespace object of `namespace`; null or absent for cluster-scoped requests. */
  namespaceObject?: Record<string, unknown> | null;
  userInfo?: UserInfo;
  dryRun?: boolean;
  /** CreateOptions / UpdateOptions / DeleteOptions object of the request. */
  options?: Record<string, unknown> | null;
}

/** Where in a policy document an expression sits, for diagnostics. */
export interface ExpressionLocation {
  /** Policy name (metadata.name). */
  policy: string;
  /** e.g. `spec.validations[0].expression`. */
  expressionPath: string;
  /** File or other label of where the policy came from, when known. */
  source?: string;
}

export type CelDiagnosticSeverity = 'error' | 'warning';

export type CelDiagnosticKind = 'parse' | 'type' | 'unsupported' | 'reference' | 'cost';

export interface CelDiagnostic extends ExpressionLocation {
  severity: CelDiagnosticSeverity;
  kind: CelDiagnosticKind;
  expression: string;
  message: string;
}

/** A CEL runtime error, carried as a value (CEL errors are values, not exceptions). */
export interface CelError {
  code: string;
  message: string;
}

/** Kyverno policy-report statuses. */
export type KyvernoStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skip';
