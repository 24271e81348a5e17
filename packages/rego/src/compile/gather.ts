// Calls of gatherer functions become one GATHER term. A gatherer is a function of two arguments
// whose only definition is the array comprehension
//
//   f(s, ks) := [x | some k in ks; l := s[k]; is_array(l); some x in l]
//
// the members of every array found at one of the keys in `ks`, in the order of the keys: the
// shape of `containers(spec, kinds)`, which every podsec policy calls once per container it
// reports (`not require({kind: [c]})`). The runtime then reads the keys and copies the arrays
// instead of setting up a call, a frame and a comprehension that copies its frame per member.
// Meaning is kept: the call is undefined when an argument is, the keys are iterated as `some k in
// ks` iterates them (values of an array, set or object; none of anything else), and a key whose
// value is not an array contributes nothing, as is_array filters it.
import { RULE_KIND, S, T } from '../plan/opcodes.js';
import { callsAny, frameFree, isNode, isVar, mapRule, type Node, varUses } from '../plan/walk.js';

/** The parts of the four statements `some k in keys; l := c[k]; is_array(l); some v in l`. */
interface Gathering {
  keys: Node;
  /** `c`: the reference the list is read from, without its last key (`pod_spec`, `input.o`). */
  collection: Node;
  /** `k` and `l`, both variables. */
  keyPattern: Node;
  list: number;
  valuePattern: Node;
}

/** The parts of `window` when it is the four statements of a gathering, else undefined. */
function gathering(window: Node[], isArray: number): Gathering | undefined {
  if (window.length !== 4) return undefined;
  const [scanKeys, bindList, test, scanList] = window as [Node, Node, Node, Node];
  // some k in keys
  if (scanKeys[0] !== S.SCAN || scanKeys[2] !== null || !isVar(scanKeys[3])) return undefined;
  const [, keys, , keyPattern] = scanKeys as [number, Node, null, Node];
  // l := c[k]
  if (bindList[0] !== S.MATCH || !isVar(bindList[1])) return undefined;
  const list = bindList[1][1] as number;
  const read = bindList[2];
  if (!isNode(read) || read[0] !== T.REF || !isVar(read.at(-1), keyPattern[1] as number)) return undefined;
  const collection = (read.length === 3 ? read[1] : read.slice(0, -1)) as Node;
  // is_array(l)
  const call = test[1];
  if (test[0] !== S.EXPR || !isNode(call) || call[0] !== T.CALL || call[1] !== isArray || call.length !== 3 || !isVar(call[2], list)) return undefined;
  // some v in l
  if (scanList[0] !== S.SCAN || !isVar(scanList[1], list) || scanList[2] !== null) return undefined;
  return { keys, collection, keyPattern, list, valuePattern: scanList[3] as Node };
}

/**
 * Whether a plan entry is a gatherer. `isArray` is the index of the `is_array` built-in in the
 * plan's native table (-1 when the plan calls none, and then nothing is a gatherer).
 */
export function isGatherer(rule: unknown, isArray: number): boolean {
  if (isArray < 0 || !isNode(rule) || rule[0] !== RULE_KIND.function || rule[3] !== null) return false;
  const defs = rule[2] as Node[];
  if (defs.length !== 1) return false;
  const [args, key, value, stmts, orElse] = defs[0] as [Node[], unknown, Node, Node[], unknown];
  if (args.length !== 2 || key !== null || stmts.length !== 0 || orElse !== null || !args.every((a) => isVar(a))) return false;
  const [s, ks] = args.map((a) => a[1] as number) as [number, number];
  if (!isNode(value) || value[0] !== T.COMPR || value[1] !== 0 || value[3] !== null || !isVar(value[2])) return false;
  const x = value[2][1] as number;
  const g = gathering(value[4] as Node[], isArray);
  // Over the arguments themselves (`s[k]`, not a path below `s`), collecting the members.
  if (!g || !isVar(g.keys, ks) || !isVar(g.collection, s) || !isVar(g.valuePattern, x)) return false;
  // The comprehension's own variables are fresh: none is an argument or another's slot.
  return new Set([s, ks, g.keyPattern[1] as number, g.list, x]).size === 5;
}

/**
 * Rewrites, in place, every call of a gatherer in `rules` (the plan's rule table) to a GATHER
 * term, except calls whose arguments are all constants or rule values (the runtime memoises
 * those). `natives` is the plan's native built-in table.
 */
export function inlineGatherers(rules: unknown[], natives: readonly string[]): void {
  const isArray = natives.indexOf('is_array');
  const gatherers = new Set<number>();
  rules.forEach((r, i) => {
    if (isGatherer(r, isArray)) gatherers.add(i);
  });
  if (gatherers.size === 0) return;
  const term = (t: Node): unknown => {
    if (t[0] !== T.FUNC || t.length !== 4 || !gatherers.has(t[1] as number)) return t;
    const args = t.slice(2);
    return args.every(frameFree) ? t : [T.GATHER, ...args];
  };
  rules.forEach((r, i) => {
    if (callsAny(r, gatherers)) rules[i] = mapRule(r, { term });
  });
}

/**
 * Rewrites, in place, the four statements `some k in keys; l := c[k]; is_array(l); some v in l` of
 * any body (the same gathering, written out: podsec's "containers at fault" comprehensions, which
 * also need `k`) to one GATHER statement, when nothing else in the rule reads `l`. It binds `k`
 * and `v` as the scans did, for every member of every array at one of the keys, in order.
 */
export function inlineGatheringScans(rules: unknown[], natives: readonly string[]): void {
  const isArray = natives.indexOf('is_array');
  if (isArray < 0) return;
  const arrayTests = new Set([isArray]);
  rules.forEach((rule, i) => {
    // Only rules that call is_array can hold the four statements: the others are not copied.
    if (!isNode(rule) || !callsAny(rule, arrayTests, T.CALL)) return;
    let found = false;
    const list = (stmts: Node[]): Node[] => {
      const out: Node[] = [];
      for (let j = 0; j < stmts.length; j++) {
        const scan = gatheringScan(rule, stmts.slice(j, j + 4), isArray);
        if (scan) {
          out.push(scan);
          found = true;
          j += 3;
        } else {
          out.push(stmts[j]!);
        }
      }
      return out;
    };
    const rewritten = mapRule(rule, { term: (t) => t, list });
    if (found) rules[i] = rewritten;
  });
}

/** The GATHER statement four statements of `rule` amount to, or undefined. */
function gatheringScan(rule: Node, window: Node[], isArray: number): Node | undefined {
  const g = gathering(window, isArray);
  if (!g) return undefined;
  const k = g.keyPattern[1] as number;
  // `l` exists only here (three reads in the whole rule); the collection is read once, before
  // the keys' loop, so it must not depend on it.
  if (g.list === k || varUses(rule, g.list) !== 3 || varUses(g.collection, k) !== 0 || varUses(g.keys, k) !== 0) return undefined;
  return [S.GATHER, g.collection, g.keys, g.keyPattern, g.valuePattern];
}
