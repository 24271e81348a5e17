import type { CostOptions } from './cost.js';
import { PER_POLICY_COST_BUDGET } from './cost.js';
import { isRecord } from './shape.js';
import type { CelDiagnostic } from './types.js';
import { compileValidatingAdmissionPolicy } from './vap/evaluate.js';
import { loadValidatingAdmissionPolicyBinding } from './vap/load.js';
import { compileValidatingPolicy } from './vpol/evaluate.js';

export interface CheckOptions {
  source?: string;
  cost?: CostOptions;
}

/**
 * Static checks of one CEL policy document: parse, reference and type errors per expression, unsupported
 * features, resource rules the apiserver would refuse, and cost estimates over the apiserver's budgets.
 * Malformed documents throw a CelPolicyShapeError naming the file and path.
 */
export function checkCelPolicy(doc: unknown, options: CheckOptions = {}): CelDiagnostic[] {
  const kind = isRecord(doc) ? doc.kind : undefined;
  const source = options.source ?? '<policy>';
  if (kind === 'ValidatingAdmissionPolicyBinding') {
    loadValidatingAdmissionPolicyBinding(doc, source);
    return [];
  }
  if (kind === 'ValidatingAdmissionPolicy') {
    const { policy, body } = compileValidatingAdmissionPolicy(doc, options);
    const out = [...body.diagnostics];
    const where = { policy: policy.name, ...(options.source ? { source: options.source } : {}) };
    if (!policy.matchConstraints || policy.matchConstraints.resourceRules.length === 0) {
      out.push({
        ...where,
        expressionPath: 'spec.matchConstraints.resourceRules',
        expression: '',
        severity: 'error',
        kind: 'reference',
        message: 'matchConstraints.resourceRules is required: the apiserver rejects the policy without it',
      });
    }
    if (policy.validations.length === 0 && policy.auditAnnotations.length === 0) {
      out.push({
        ...where,
        expressionPath: 'spec.validations',
        expression: '',
        severity: 'error',
        kind: 'reference',
        message: 'validations and auditAnnotations may not both be empty: the apiserver rejects the policy',
      });
    }
    policy.matchConstraints?.resourceRules.forEach((r, i) => {
      if (r.operations.length === 0) {
        out.push({
          ...where,
          expressionPath: `spec.matchConstraints.resourceRules[${i}].operations`,
          expression: '',
          severity: 'error',
          kind: 'reference',
          message: 'operations is required (the apiserver rejects the policy; an empty list matches no request)',
        });
      }
    });
    out.push(
      ...budgetWarning(
        policy.name,
        options.source,
        sumCosts([...body.matchConditions, ...body.variables, ...body.validations.map((v) => v.expression), ...body.auditAnnotations]),
      ),
    );
    return out;
  }
  if (kind === 'ValidatingPolicy') {
    const { policy, diagnostics } = compileValidatingPolicy(doc, options);
    const out = [...diagnostics];
    if (policy.mode !== 'Kubernetes') {
      out.push({
        policy: policy.name,
        ...(options.source ? { source: options.source } : {}),
        expressionPath: 'spec.evaluation.mode',
        expression: '',
        severity: 'error',
        kind: 'unsupported',
        message: `unsupported: evaluation mode ${policy.mode}; podsec evaluates Kubernetes admission requests only`,
      });
    }
    return out;
  }
  throw new Error(
    `${source}: kind: expected ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding or ValidatingPolicy, found ${JSON.stringify(kind)}. Fix: pass one of those documents`,
  );
}

function sumCosts(exprs: { program?: { cost: { cost: number } } }[]): number {
  return exprs.reduce((a, e) => a + (e.program?.cost.cost ?? 0), 0);
}

function budgetWarning(policy: string, source: string | undefined, total: number): CelDiagnostic[] {
  if (total <= PER_POLICY_COST_BUDGET) return [];
  return [
    {
      policy,
      ...(source ? { source } : {}),
      expressionPath: 'spec',
      expression: '',
      severity: 'warning',
      kind: 'cost',
      message: `estimated worst-case cost of all expressions ${total.toLocaleString('en-US')} exceeds the per-binding runtime budget of 10,000,000 (static estimate)`,
    },
  ];
}
