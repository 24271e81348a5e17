/**
 * Cost: the apiserver stops an expression at 1,000,000 cost units and a binding at 10,000,000 at
 * runtime (k8s.io/apiserver PerCallLimit, RuntimeCELCostBudget). Pod lists have no maxItems, so a
 * static estimate with request-sized lists is meaningless (kubernetes/kubernetes#121162); instead every
 * emitted expression is estimated with the runtime package's estimator under generous real-world bounds,
 * which catches needless nesting (one more comprehension level multiplies the cost by a list size).
 */
import { describe, expect, it } from '@jest/globals';
import { checkCelPolicy } from '@podsec/cel';
import { celFixtures } from './fixtures.js';
import { CEL_TARGETS, emit } from './emitted.js';

/** Upper bounds well beyond real Pods: 100 containers in all, every capability named, 256 volumes. */
const CONTAINER_LISTS = 100;
const PER_CONTAINER_LISTS: Readonly<Record<string, number>> = {
  'securityContext.capabilities.add': 64,
  'securityContext.capabilities.drop': 64,
  ports: 64,
};
const POD_LISTS: Readonly<Record<string, number>> = {
  'variables.spec.volumes': 256,
  'variables.spec.securityContext.sysctls': 64,
  'variables.spec.securityContext.supplementalGroups': 64,
  'variables.template.metadata.annotations': 256,
};

function listSizes(variableNames: string[]): Record<string, number> {
  const sizes: Record<string, number> = { ...POD_LISTS };
  // Container lists are read through their variables, and in place where the variables filter exempt images.
  for (const name of ['spec.containers', 'spec.initContainers', 'spec.ephemeralContainers', ...variableNames.filter((n) => n !== 'template' && n !== 'spec')]) {
    sizes[`variables.${name}`] = CONTAINER_LISTS;
    for (const [path, size] of Object.entries(PER_CONTAINER_LISTS)) sizes[`variables.${name}[*].${path}`] = size;
  }
  return sizes;
}

describe.each(CEL_TARGETS)('$name: estimated cost under real-world list bounds', ({ target, policyDoc }) => {
  it.each(celFixtures())('$file stays within the per-expression and per-binding budgets', ({ ir }) => {
    const doc = policyDoc(emit(target, ir).docs);
    const names = ((doc.spec.variables ?? []) as { name: string }[]).map((v) => v.name);
    const diagnostics = checkCelPolicy(doc, { cost: { listSizes: listSizes(names) } });
    expect(diagnostics.filter((d) => d.kind === 'cost').map((d) => `${d.expressionPath}: ${d.message}`)).toEqual([]);
    // Without bounds the same estimator must object, or the check above proves nothing.
    expect(checkCelPolicy(doc).some((d) => d.kind === 'cost')).toBe(true);
  });
});
