/**
 * The IR constructs each gatekeeper-library PSP template's policy uses, read from the policy itself
 * (so the closing-note table cannot drift from the code), and the approximations its description
 * declares.
 */
import { walkChecks, walkPredicates, type Check, type PolicyIR, type Predicate } from '@podsec/ir';

const refText = (r: { param: string[]; prefix?: string } | { var: string }) =>
  'param' in r ? (r.prefix === undefined ? 'param ref' : 'param entries after a prefix') : 'bound item ref';

function checkConstruct(c: Check): string | undefined {
  switch (c.kind) {
    case 'field':
      return `${c.scope} field`;
    case 'each':
      return `${c.scope} list items (each)`;
    case 'items':
      return `${c.scope} list items bound (items)`;
    case 'entries':
      return 'pod annotations (entries)';
    case 'containerAnnotation':
      return 'per-container annotation';
    case 'some':
      return 'some element of a parameter list';
    case 'value':
      return 'test on a parameter/bound value';
    default:
      return undefined;
  }
}

function predicateConstructs(p: Predicate): string[] {
  if (p.op === 'ref') return [`${p.cmp}(${refText(p.to)})`];
  if (p.op === 'some') return [`someOf(${refText(p.in)})`];
  if (p.op === 'at') return ['value inside an object (at)'];
  return [];
}

/** The sorted distinct constructs of a policy's rules, exemptions and messages. */
export function constructsOf(ir: PolicyIR): string[] {
  const out = new Set<string>();
  if (ir.parameters) out.add('typed parameters');
  if (ir.exemptImages) out.add('exemptImages');
  if (ir.match.operations.length === 1) out.add(`operations: ${ir.match.operations[0]}`);
  for (const rule of ir.rules) {
    if (rule.when) out.add('when condition');
    if (rule.containerMessage) out.add('per-container message');
    for (const root of [rule.when, rule.require]) {
      if (!root) continue;
      for (const c of walkChecks(root)) {
        const k = checkConstruct(c);
        if (k) out.add(k);
        if (c.kind === 'value' && 'of' in c && 'param' in c.of && c.of.prefix !== undefined) out.add('param entries after a prefix');
        if ('pred' in c) for (const p of walkPredicates(c.pred)) for (const x of predicateConstructs(p)) out.add(x);
        if (c.kind === 'some') out.add(`some(${refText(c.in)})`);
      }
    }
  }
  return [...out].sort();
}

/** The approximation sentences of a policy description ("Approximation…", "Not expressible…", "stricter"). */
export function approximationsOf(description: string): string {
  const sentences = description.split(/(?<=\.)\s+(?=[A-Z])/);
  const kept = sentences.filter((s) => /approximat|not expressible|stricter|names are compared as written/i.test(s) && !s.startsWith('exemptImages'));
  return kept.length ? kept.join(' ') : '—';
}
