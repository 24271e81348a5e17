/**
 * Static cost estimates against the apiserver's budgets (k8s.io/apiserver/pkg/apis/cel/config.go:
 * PerCallLimit 1,000,000, RuntimeCELCostBudget 10,000,000, MaxRequestSizeBytes 3 MiB). Lists without maxItems
 * are sized from the request limit, which is why nested loops over Pod lists blow the estimate
 * (kubernetes/kubernetes#121162).
 */
import { describe, expect, it } from '@jest/globals';
import { parseDocument } from 'yaml';
import { checkCelPolicy, compileCel, UNBOUNDED_LIST_SIZE, type CelCompileEnv } from '../src/index.js';

const env: CelCompileEnv = { flavor: 'vap', hasParams: false, visibleVariables: [], declaredVariables: [] };
const loc = { policy: 'caps', expressionPath: 'spec.validations[0].expression' };
const nested =
  "object.spec.containers.all(c, !has(c.securityContext) || c.securityContext.?capabilities.?add.orValue([]).all(cap, cap in ['NET_BIND_SERVICE']))";

describe('cost estimate', () => {
  it('flags containers × capabilities without maxItems as over the per-expression limit', () => {
    const c = compileCel(nested, env, loc);
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.program.cost.exceedsPerExpressionLimit).toBe(true);
    expect(c.program.cost.cost).toBeGreaterThan(UNBOUNDED_LIST_SIZE * UNBOUNDED_LIST_SIZE);
    expect(c.program.cost.assumedLists.map((l) => l.path)).toEqual(['object.spec.containers', 'object.spec.containers[*].securityContext.capabilities.add']);
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatchObject({ kind: 'cost', severity: 'warning', policy: 'caps', expressionPath: 'spec.validations[0].expression' });
    expect(c.warnings[0]?.message).toMatch(/static estimate/);
  });

  it('stays under the limit once the lists have maxItems', () => {
    const listSizes = { 'object.spec.containers': 100, 'object.spec.containers[*].securityContext.capabilities.add': 20 };
    const c = compileCel(nested, { ...env, cost: { listSizes } }, loc);
    expect(c.ok && c.program.cost.exceedsPerExpressionLimit).toBe(false);
    expect(c.ok && c.program.cost.assumedLists).toEqual([]);
    expect(c.warnings).toEqual([]);
  });

  it('grows with nesting: one level costs less than two', () => {
    const one = compileCel('object.spec.containers.all(c, c.name != "")', env, loc);
    const two = compileCel(nested, env, loc);
    expect(one.ok && two.ok && one.program.cost.cost < two.program.cost.cost).toBe(true);
  });

  it('literal lists are sized by their elements', () => {
    const c = compileCel("['a', 'b'].all(x, x != '')", env, loc);
    expect(c.ok && c.program.cost.cost).toBeLessThan(20);
    expect(c.ok && c.program.cost.assumedLists).toEqual([]);
  });

  it('checkCelPolicy reports the warning with the policy and path', () => {
    const doc = parseDocument(`
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: caps}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}]
  validations:
  - expression: "object.spec.hostNetwork != true"
  - expression: "${nested.replace(/"/g, '\\"')}"
`).toJS() as unknown;
    const d = checkCelPolicy(doc, { source: 'caps.yaml' });
    expect(d.filter((x) => x.kind === 'cost' && x.expressionPath === 'spec.validations[1].expression')).toHaveLength(1);
    expect(d.every((x) => x.source === 'caps.yaml' && x.policy === 'caps')).toBe(true);
  });
});

describe('cost of the comprehension forms added on top of the library', () => {
  const costOf = (expression: string): number => {
    const c = compileCel(expression, { flavor: 'vap', hasParams: false, visibleVariables: [], declaredVariables: [] }, { policy: 'p', expressionPath: 'e' });
    if (!c.ok) throw new Error(c.diagnostic.message);
    return c.program.cost.cost;
  };
  it('two-variable comprehensions are charged per element like one-variable ones, and compile', () => {
    const one = costOf('object.spec.containers.all(c, c.name != "")');
    const two = costOf('object.spec.containers.all(i, c, c.name != "")');
    expect(two).toBe(one);
    expect(costOf('object.spec.containers.transformList(i, c, c.name)')).toBeGreaterThan(1_000_000);
  });
  it('optMap runs its body once', () => {
    expect(costOf('object.spec.?securityContext.optMap(s, s.runAsUser).hasValue()')).toBeLessThan(20);
  });
});
