// Rules that are the same rule: when several policies' packages are compiled into one module
// (batch evaluation: `podsec verify` runs every policy on one parsed object), each carries its own
// copy of the helpers podsec emits (`applies`, `pod_spec`, `containers(…)`), identical but for
// the package they sit in. References to every copy are pointed at the first, so the runtime's
// memo (assembly/eval.ts, Plan.epochFor) evaluates each once per object instead of once per
// policy. The copies stay in the table as empty stubs, so rule indexes do not move.
import { S, T } from '../plan/opcodes.js';
import { isNode, mapRule, type Node } from '../plan/walk.js';

const localName = (rule: Node): string => String(rule[4]).split('.').at(-1)!;

/**
 * Points every reference to a rule at the first rule of the table that is the same: same kind,
 * frame size, definitions and default once the rules they reference are themselves replaced, and
 * the same local name, so that an error raised by the shared rule names the rule the source says.
 * Does nothing in a plan with a `with` statement: replacing one copy of a rule there must not
 * replace the others. Rewrites `rules` and `entryRules` in place.
 */
export function shareIdenticalRules(rules: unknown[], entryRules: number[]): void {
  // Seen while the rules are compared below; nothing is written until every rule has been.
  let hasWith = false;
  const statement = (s: Node): void => {
    if (s[0] === S.WITH) hasWith = true;
  };
  const shared = new Map<number, number>();
  const byShape = new Map<string, number>();
  const rewritten: unknown[] = [...rules];
  const sharedIndex = (i: number): number => {
    const known = shared.get(i);
    if (known !== undefined) return known;
    // Recursion is refused before this pass (checkRecursion); the guard only keeps a bad plan finite.
    shared.set(i, i);
    const rule = rules[i];
    if (!isNode(rule)) return i;
    const term = (t: Node): unknown => ((t[0] === T.RULE || t[0] === T.FUNC) && typeof t[1] === 'number' ? [t[0], sharedIndex(t[1]), ...t.slice(2)] : t);
    const mapped = mapRule(rule, { term, statement }) as Node;
    rewritten[i] = mapped;
    const shape = JSON.stringify([localName(mapped), ...mapped.slice(0, 4)]);
    const first = byShape.get(shape);
    if (first === undefined) byShape.set(shape, i);
    const index = first ?? i;
    shared.set(i, index);
    return index;
  };
  rules.forEach((_, i) => sharedIndex(i));
  if (hasWith) return;
  const copies = new Map<number, number>();
  for (const [i, index] of shared) if (i !== index) copies.set(index, (copies.get(index) ?? 0) + 1);
  rewritten.forEach((r, i) => {
    const index = shared.get(i)!;
    if (!isNode(r)) return;
    if (index !== i) rules[i] = [r[0], 0, [], null, r[4]];
    // An error the shared rule raises (a conflict) is one every copy would raise; its message says so.
    else rules[i] = copies.has(i) ? [...r.slice(0, 4), `${String(r[4])} (shared with ${copies.get(i)} identical rules of other packages)`] : r;
  });
  entryRules.forEach((r, i) => (entryRules[i] = shared.get(r) ?? r));
}
