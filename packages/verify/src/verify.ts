/**
 * `podsec verify`: runs every fixture through every engine adapter and compares each decision to
 * the expected one (the reference evaluator's, or for PSA fixtures the upstream level verdict).
 * Engines are loaded once by the caller and evaluated in-process. Random disagreements are
 * shrunk with fast-check to the smallest object that still shows them.
 */
import fc from 'fast-check';
import type { AdmissionContext } from '@podsec/ir';
import { referenceDecision, type ReferenceDecision } from './adapters.js';
import { buildArbitrary, randomFixtures } from './fixtures/random-fixtures.js';
import { FixtureStore, type PackedFixtures } from './fixture-store.js';
import type { Fixture, FixtureGroup } from './fixtures/types.js';
import { type MessageSample, MessageSamples, type SeenMessage } from './message-samples.js';
import { type DisagreementKind, type ExpectedMessage, type MessageMismatch, messageMismatches, messagesByRule, untracedViolations } from './messages.js';
import type { AdmissionAction, EngineAdapter, EngineDecision, EngineId, LoadedBuild } from './types.js';

/** The reference evaluator appears as a column only where ground truth other than itself exists (PSA). */
export type Verdicter = EngineId | 'reference';

export interface VerifyOptions {
  build: LoadedBuild;
  adapters: readonly EngineAdapter[];
  /** Engines that were asked for but have no adapter: reported as "not run", never as passing. */
  notRun?: readonly EngineId[];
  fixtures: readonly Fixture[];
  /** Number of random objects (0 or absent: none). */
  random?: number;
  seed?: number;
  /** Shrink at most this many distinct (policy, engine) random disagreements; default 20. */
  maxShrinks?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface GroupCount {
  /** A policy name, or a bundle name (`pss-restricted`) for bundle verdicts. */
  policy: string;
  engine: Verdicter;
  group: FixtureGroup;
  evaluated: number;
  agree: number;
  disagree: number;
  /** Disagreements that were engine errors (also counted in `disagree`). */
  errors: number;
  /** Disagreements about a message only: right outcome and rules, another text (also counted in `disagree`). */
  messages: number;
}

export interface Expected {
  outcome: 'violated' | 'satisfied';
  /** What admission must do per the policy's mode (absent for bundle verdicts, which have no mode). */
  action?: AdmissionAction;
  /** Why the policy does not apply, when `action` is `skip`. */
  skipReason?: string;
  /** IR rule ids (policies) or member policy names (bundles) that are violated. */
  rules: string[];
  /**
   * The reference's message per violated rule, in rule order (policies only): what every engine
   * that compares messages must report for that rule.
   */
  messages?: ExpectedMessage[];
  source: string;
}

export interface Disagreement {
  policy: string;
  fixture: { name: string; group: FixtureGroup; seed?: number; path?: string; occurrences?: number; shrunk?: boolean };
  object: unknown;
  expected: Expected;
  /** Engines whose decision differs from `expected` (an error always differs). */
  engines: Verdicter[];
  /** Why each of `engines` differs. */
  kinds: Partial<Record<Verdicter, DisagreementKind>>;
  /** For `message` and `untraced` disagreements: each violation at fault, with the reference's text. */
  messages?: MessageMismatch[];
  /** Every engine's decision for this policy on this object, agreeing ones too. */
  decisions: EngineDecision[];
  /** The reference evaluator's decision, when `expected` came from elsewhere (PSA). */
  reference?: ReferenceDecision;
}

export type { ReferenceDecision };

export interface VerifyResult {
  /** `description` says how the engine ran, e.g. which compiler built the Rego modules. */
  engines: { id: EngineId; status: 'run' | 'not run'; description?: string }[];
  policies: string[];
  counts: GroupCount[];
  disagreements: Disagreement[];
  totals: { fixtures: number; evaluations: number; disagreements: number };
  random?: { runs: number; seed: number };
  /** One reference message per rule violated in the run (the naming form when seen): what users see on deny. */
  samples: MessageSample[];
}

/** One policy (or bundle) on one fixture: what was expected, what each engine said, who disagreed. */
export interface Comparison {
  policy: string;
  expected: Expected;
  decisions: EngineDecision[];
  reference?: ReferenceDecision;
  engines: Verdicter[];
  kinds: Partial<Record<Verdicter, DisagreementKind>>;
  messages?: MessageMismatch[];
}

/** What every comparison of a build needs, computed once per run instead of once per evaluation. */
export interface Prepared {
  build: LoadedBuild;
  policies: readonly string[];
  /** IR rule ids per policy: violations naming anything else could not be traced and are not compared. */
  known: ReadonlyMap<string, ReadonlySet<string>>;
  /** Each rule's message without containers, per policy: tells message samples that name containers apart. */
  bare: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export function prepare(build: LoadedBuild): Prepared {
  const irs = [...build.irs];
  return {
    build,
    policies: irs.map(([name]) => name),
    known: new Map(irs.map(([name, ir]) => [name, new Set(ir.rules.map((r) => r.id))])),
    bare: new Map(irs.map(([name, ir]) => [name, new Map(ir.rules.map((r) => [r.id, r.message]))])),
  };
}

/**
 * Each policy's decision by one adapter, in `policies` order. `only` is absent when the fixture is
 * about every policy: adapters then decide them all without filtering by a list, which would cost
 * policies² per fixture on a large build.
 */
function decide(
  adapter: EngineAdapter,
  object: unknown,
  ctx: AdmissionContext,
  policies: readonly string[],
  only: readonly string[] | undefined,
): EngineDecision[] {
  let decisions: EngineDecision[];
  try {
    decisions = adapter.evaluate(object, ctx, only);
  } catch (e) {
    const error = `the ${adapter.id} adapter threw: ${e instanceof Error ? e.message : String(e)}`;
    return policies.map((p) => ({ engine: adapter.id, policy: p, outcome: 'error', violations: [], error }));
  }
  // Adapters answer in the build's order: then no lookup is needed.
  if (decisions.length === policies.length && decisions.every((d, i) => d.policy === policies[i])) return decisions;
  const byPolicy = new Map<string, EngineDecision>();
  for (const d of decisions) byPolicy.set(d.policy, d);
  return policies.map(
    (p) =>
      byPolicy.get(p) ?? {
        engine: adapter.id,
        policy: p,
        outcome: 'error',
        violations: [],
        error: `the ${adapter.id} adapter returned no decision for policy "${p}"`,
      },
  );
}

const ruleIds = (d: ReferenceDecision) => {
  const v = d.violations;
  if (v.length === 0) return [];
  if (v.length === 1) return [v[0]!.rule];
  return [...new Set(v.map((x) => x.rule))].sort();
};

/**
 * `skip` and `allow` both admit without a finding; engines that repeat the policy's applicability
 * inside their rules (the Rego module, a Kyverno precondition) cannot tell them apart, so they are
 * compared as one. Reports still show which of the two each engine said.
 */
const admitted = (a: AdmissionAction): AdmissionAction => (a === 'skip' ? 'allow' : a);

/** How an engine disagrees, or undefined when it agrees. */
export interface Judgement {
  kind: DisagreementKind;
  mismatches?: MessageMismatch[];
}

/**
 * Same outcome and, when the engine's artifact carries one, the same admission action; and when the
 * engine traced its violations back to IR rules, the same rules: an engine that denies for the
 * wrong reason is wrong too. Without `messages` (the adapter does not compare them), violations an
 * engine could not trace (rule names that are not IR rule ids) are not compared; with them, an
 * untraced violation is a disagreement and each traced one must carry the reference's text.
 */
export function judge(d: EngineDecision, expected: Expected, known: ReadonlySet<string>, messages?: ReadonlyMap<string, string>): Judgement | undefined {
  if (d.outcome === 'error') return { kind: 'error' };
  if (d.outcome !== expected.outcome) return { kind: 'outcome' };
  if (d.action && expected.action && admitted(d.action) !== admitted(expected.action)) return { kind: 'action' };
  if (d.outcome !== 'violated') return undefined;
  const untraced = untracedViolations(d, known);
  if (messages && (untraced.length || !d.violations.length)) return { kind: 'untraced', mismatches: untraced };
  const traced = ruleIds(d);
  if (traced.length && !untraced.length) {
    // An engine that stops at the first failing validation names some of the violated rules, never
    // a rule that holds; it is held to the messages of the ones it names.
    const same = d.partial ? traced.every((r) => expected.rules.includes(r)) : traced.join('\0') === expected.rules.join('\0');
    if (!same) return { kind: 'rules' };
  }
  if (!messages) return undefined;
  const mismatches = messageMismatches(d, messages);
  return mismatches.length ? { kind: 'message', mismatches } : undefined;
}

/** Collects the judgements of one comparison into its engines, kinds and message mismatches. */
function verdicts(judged: readonly (readonly [Verdicter, Judgement | undefined])[]): Pick<Comparison, 'engines' | 'kinds' | 'messages'> {
  const engines: Verdicter[] = [];
  const kinds: Comparison['kinds'] = {};
  const messages: MessageMismatch[] = [];
  for (const [engine, j] of judged) {
    if (!j) continue;
    engines.push(engine);
    kinds[engine] = j.kind;
    messages.push(...(j.mismatches ?? []));
  }
  return { engines, kinds, ...(messages.length ? { messages } : {}) };
}

const NO_MESSAGES: ReadonlyMap<string, string> = new Map();

/**
 * What the reference expects of a policy. Built key by key rather than with conditional spreads:
 * it runs once per fixture and policy, and the keys keep the order reports print them in.
 */
function expectedOf(ref: ReferenceDecision): Expected {
  const expected = { outcome: ref.outcome } as Expected;
  if (ref.action) expected.action = ref.action;
  if (ref.skipReason) expected.skipReason = ref.skipReason;
  expected.rules = ruleIds(ref);
  if (ref.violations.length) expected.messages = ref.violations.map((v) => ({ rule: v.rule, message: v.message }));
  expected.source = 'reference';
  return expected;
}

/** One policy's comparison: every engine judged against the reference, in adapter order. */
function comparePolicy(prep: Prepared, adapters: readonly EngineAdapter[], policy: string, ref: ReferenceDecision, decisions: EngineDecision[]): Comparison {
  const expected = expectedOf(ref);
  const messages = expected.messages ? messagesByRule(expected.messages) : NO_MESSAGES;
  const known = prep.known.get(policy)!;
  const c = { policy, expected, decisions } as Comparison;
  const engines: Verdicter[] = [];
  const kinds: Comparison['kinds'] = {};
  let mismatches: MessageMismatch[] | undefined;
  for (let i = 0; i < decisions.length; i++) {
    const d = decisions[i]!;
    const j = judge(d, expected, known, adapters[i]!.comparesMessages ? messages : undefined);
    if (!j) continue;
    engines.push(d.engine);
    kinds[d.engine] = j.kind;
    if (j.mismatches?.length) (mismatches ??= []).push(...j.mismatches);
  }
  c.engines = engines;
  c.kinds = kinds;
  if (mismatches) c.messages = mismatches;
  return c;
}

/** Compares every adapter on one fixture: one comparison per policy, plus one per bundle expectation. */
export function compareFixture(prep: Prepared, adapters: readonly EngineAdapter[], f: Fixture): Comparison[] {
  const { build } = prep;
  const ctx: AdmissionContext = f.ctx ?? {};
  const policies = f.policies ?? prep.policies;
  const byEngine = adapters.map((a) => decide(a, f.object, ctx, policies, f.policies));
  const refs = policies.map((p) => referenceDecision(build.irs.get(p)!, f.object, ctx));
  const out: Comparison[] = policies.map((policy, p) =>
    comparePolicy(
      prep,
      adapters,
      policy,
      refs[p]!,
      byEngine.map((ds) => ds[p]!),
    ),
  );
  if (f.bundle) {
    const index = new Map(policies.map((p, i) => [p, i]));
    const members = build.manifest.bundles?.[f.bundle.bundle] ?? [];
    const bundleDecision = (of: (p: string) => ReferenceDecision): ReferenceDecision => {
      const ds = members.map(of);
      const errors = ds.filter((d) => d.outcome === 'error');
      const violated = ds.filter((d) => d.outcome === 'violated');
      return {
        policy: f.bundle!.bundle,
        outcome: errors.length ? 'error' : violated.length ? 'violated' : 'satisfied',
        violations: violated.flatMap((d) => d.violations.map((v) => ({ rule: d.policy, message: v.message }))),
        evidence: violated.map((d) => `member ${d.policy} violated`),
        ...(errors.length ? { error: errors.map((d) => `${d.policy}: ${d.error}`).join('; ') } : {}),
      };
    };
    const reference = bundleDecision((p) => refs[index.get(p)!]!);
    const expected: Expected = { outcome: f.bundle.expect === 'fail' ? 'violated' : 'satisfied', rules: [], source: f.bundle.source };
    const decisions = byEngine.map((m, i): EngineDecision => ({ engine: adapters[i]!.id, ...bundleDecision((p) => m[index.get(p)!]!) }));
    // The verdict is the bundle's (PSA's ground truth); the messages are each member's, held to the
    // reference's for the member rules both found violated (other rules are the member comparison's).
    const memberMessages = (i: number): Judgement | undefined => {
      if (!adapters[i]!.comparesMessages) return undefined;
      const mismatches: MessageMismatch[] = [];
      for (const p of members) {
        const d = byEngine[i]![index.get(p)!]!;
        if (d.outcome !== 'violated') continue;
        mismatches.push(
          ...untracedViolations(d, prep.known.get(p)!, `${p}/`),
          ...messageMismatches(d, messagesByRule(refs[index.get(p)!]!.violations), `${p}/`),
        );
      }
      if (!mismatches.length) return undefined;
      return { kind: mismatches.some((m) => m.expected === undefined) ? 'untraced' : 'message', mismatches };
    };
    const outcomeOf = (d: ReferenceDecision): Judgement | undefined =>
      d.outcome === 'error' ? { kind: 'error' } : d.outcome !== expected.outcome ? { kind: 'outcome' } : undefined;
    const judged: [Verdicter, Judgement | undefined][] = [
      ['reference', reference.outcome !== expected.outcome ? { kind: 'outcome' } : undefined],
      ...decisions.map((d, i): [Verdicter, Judgement | undefined] => [d.engine, outcomeOf(d) ?? memberMessages(i)]),
    ];
    out.push({ policy: f.bundle.bundle, expected, decisions, reference, ...verdicts(judged) });
  }
  return out;
}

/** Agreement counts per (policy, engine, group); merged in fixture order, so the result never depends on who counted. */
class Counter {
  /** group → policy → engine → cell: no key string is built per evaluation. */
  private readonly cells = new Map<FixtureGroup, Map<string, Map<Verdicter, GroupCount>>>();
  private readonly order: GroupCount[] = [];
  private cell(policy: string, engine: Verdicter, group: FixtureGroup): GroupCount {
    let byPolicy = this.cells.get(group);
    if (!byPolicy) this.cells.set(group, (byPolicy = new Map()));
    let byEngine = byPolicy.get(policy);
    if (!byEngine) byPolicy.set(policy, (byEngine = new Map()));
    let c = byEngine.get(engine);
    if (!c) {
      byEngine.set(engine, (c = { policy, engine, group, evaluated: 0, agree: 0, disagree: 0, errors: 0, messages: 0 }));
      this.order.push(c);
    }
    return c;
  }
  /** `kind` is why the engine disagrees; absent when it agrees. */
  add(policy: string, engine: Verdicter, group: FixtureGroup, kind: DisagreementKind | undefined): void {
    const c = this.cell(policy, engine, group);
    c.evaluated++;
    if (!kind) c.agree++;
    else c.disagree++;
    if (kind === 'error') c.errors++;
    if (kind === 'message') c.messages++;
  }
  merge(counts: readonly GroupCount[]): void {
    for (const n of counts) {
      const c = this.cell(n.policy, n.engine, n.group);
      c.evaluated += n.evaluated;
      c.agree += n.agree;
      c.disagree += n.disagree;
      c.errors += n.errors;
      c.messages += n.messages;
    }
  }
  /** In insertion order: what a chunk hands back to be merged. */
  raw(): GroupCount[] {
    return [...this.order];
  }
  list(): GroupCount[] {
    return [...this.order].sort((a, b) => (a.policy + a.engine + a.group < b.policy + b.engine + b.group ? -1 : 1));
  }
}

function record(counter: Counter, group: FixtureGroup, c: Comparison): void {
  for (const d of c.decisions) counter.add(c.policy, d.engine, group, c.kinds[d.engine]);
  if (c.reference) counter.add(c.policy, 'reference', group, c.kinds.reference);
}

/**
 * What one run of consecutive fixtures found: only what the report needs, so a worker thread
 * hands back kilobytes, not every decision. Fixtures are named by their index in the run.
 */
export interface ChunkResult {
  evaluations: number;
  /** Per (policy, engine, group), in the order first counted. */
  counts: GroupCount[];
  /** Disagreements on non-random fixtures, in fixture order. */
  disagreements: { fixture: number; c: Comparison }[];
  /** Random disagreements per (policy, engine), in the order first seen: the first comparison and how often. */
  randomFirst: { key: string; engine: EngineId; fixture: number; c: Comparison; occurrences: number }[];
  /** The first fixture that showed each rule's message (see MessageSamples). */
  samples: SeenMessage[];
}

/**
 * Compares fixtures [start, end) of the run on every adapter; `onFixture` is told after each one.
 * `fixtures[0]` is fixture `first` of the run (a worker holds only its chunk).
 */
export function runChunk(
  prep: Prepared,
  adapters: readonly EngineAdapter[],
  fixtures: readonly Fixture[],
  start: number,
  end: number,
  onFixture?: (index: number) => void,
  first = 0,
): ChunkResult {
  const counter = new Counter();
  const disagreements: ChunkResult['disagreements'] = [];
  const randomFirst = new Map<string, ChunkResult['randomFirst'][number]>();
  const samples = new MessageSamples();
  let evaluations = 0;
  for (let i = start; i < end; i++) {
    const f = fixtures[i - first]!;
    for (const c of compareFixture(prep, adapters, f)) {
      evaluations += c.decisions.length;
      record(counter, f.group, c);
      if (c.expected.messages) {
        const bare = prep.bare.get(c.policy)!;
        samples.add(c.policy, i, c.expected.messages, (r) => bare.get(r));
      }
      if (!c.engines.length) continue;
      if (f.group !== 'random') {
        disagreements.push({ fixture: i, c });
        continue;
      }
      // Random disagreements collapse per (policy, engine) before shrinking.
      for (const engine of c.engines) {
        const key = `${c.policy}\0${engine}`;
        const seen = randomFirst.get(key);
        if (seen) seen.occurrences++;
        else if (engine !== 'reference') randomFirst.set(key, { key, engine, fixture: i, c, occurrences: 1 });
      }
    }
    onFixture?.(i);
  }
  return { evaluations, counts: counter.raw(), disagreements, randomFirst: [...randomFirst.values()], samples: samples.seen() };
}

/**
 * Finds, from the same seed, the first random object on which `engine` disagrees about `policy`
 * and lets fast-check shrink it; returns the minimal object and the replay path.
 */
function shrinkRandom(
  prep: Prepared,
  adapters: readonly EngineAdapter[],
  arb: fc.Arbitrary<unknown>,
  policy: string,
  engine: EngineId,
  runs: number,
  seed: number,
) {
  const adapter = adapters.filter((a) => a.id === engine);
  const details = fc.check(
    fc.property(arb, (object) => {
      const c = compareFixture(prep, adapter, { name: 'shrink', group: 'random', object, policies: [policy] })[0]!;
      return !c.engines.includes(engine);
    }),
    { seed, numRuns: runs },
  );
  if (!details.failed || !details.counterexample) return undefined;
  return { object: details.counterexample[0], path: details.counterexamplePath ?? undefined };
}

/** Every fixture of a run, in run order: the given ones, then the random ones. */
export interface VerifyPlan {
  prep: Prepared;
  fixtures: FixtureStore;
  arb?: fc.Arbitrary<Record<string, unknown>>;
  runs: number;
  seed: number;
}

/** Fixtures per chunk: small enough to balance two threads, large enough that messages cost nothing. */
export const CHUNK_FIXTURES = 64;

/**
 * The plan with the given fixtures added to its store, the random ones not drawn yet (addRandom):
 * `first` holds the chunks those fixtures fill, which other threads may run meanwhile.
 */
export function startPlan(options: VerifyOptions, chunkFixtures = CHUNK_FIXTURES): { plan: VerifyPlan; first: PackedFixtures | undefined } {
  const { build } = options;
  for (const f of options.fixtures)
    for (const p of f.policies ?? [])
      if (!build.irs.has(p))
        throw new Error(`fixture "${f.name}" (${f.group}) is about policy "${p}", which the build does not contain; build that policy too or drop the fixture`);
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const runs = options.random ?? 0;
  const arb = runs > 0 ? buildArbitrary(build.irs.values()) : undefined;
  const fixtures = new FixtureStore(chunkFixtures);
  const first = fixtures.add(options.fixtures);
  return { plan: { prep: prepare(build), fixtures, ...(arb ? { arb } : {}), runs, seed }, first };
}

/** Draws the plan's random fixtures and seals its store: the segments of the chunks that were left. */
export function addRandom(plan: VerifyPlan): PackedFixtures[] {
  const { fixtures, arb, runs, seed } = plan;
  const segments = [arb ? fixtures.add(randomFixtures(arb, runs, seed)) : undefined, fixtures.seal()];
  return segments.filter((s): s is PackedFixtures => s !== undefined);
}

export function planVerify(options: VerifyOptions, chunkFixtures = CHUNK_FIXTURES): VerifyPlan {
  const { plan } = startPlan(options, chunkFixtures);
  addRandom(plan);
  return plan;
}

/** Runs chunk k of the plan in this thread. */
export function runPlanChunk(plan: VerifyPlan, adapters: readonly EngineAdapter[], k: number, onFixture?: (index: number) => void): ChunkResult {
  const [start, end] = plan.fixtures.bounds(k);
  return runChunk(plan.prep, adapters, plan.fixtures.chunk(k), start, end, onFixture, start);
}

/** Merges chunk results in fixture order, shrinks random disagreements and assembles the result. */
export function finishVerify(options: VerifyOptions, plan: VerifyPlan, chunks: readonly ChunkResult[]): VerifyResult {
  const { adapters } = options;
  const { prep, fixtures, arb, runs, seed } = plan;
  const counter = new Counter();
  const disagreements: Disagreement[] = [];
  const randomFirst = new Map<string, { engine: EngineId; c: Comparison; f: Fixture; occurrences: number }>();
  const samples = new MessageSamples();
  let evaluations = 0;
  for (const chunk of chunks) {
    evaluations += chunk.evaluations;
    counter.merge(chunk.counts);
    samples.merge(chunk.samples);
    for (const { fixture, c } of chunk.disagreements) {
      const f = fixtures.at(fixture);
      disagreements.push({
        policy: c.policy,
        fixture: { name: f.name, group: f.group },
        object: f.object,
        expected: c.expected,
        engines: c.engines,
        kinds: c.kinds,
        ...(c.messages ? { messages: c.messages } : {}),
        decisions: c.decisions,
        ...(c.reference ? { reference: c.reference } : {}),
      });
    }
    for (const r of chunk.randomFirst) {
      const seen = randomFirst.get(r.key);
      if (seen) seen.occurrences += r.occurrences;
      else randomFirst.set(r.key, { engine: r.engine, c: r.c, f: fixtures.at(r.fixture), occurrences: r.occurrences });
    }
  }
  let shrinks = 0;
  for (const { engine, c, f, occurrences } of randomFirst.values()) {
    const small = arb && shrinks++ < (options.maxShrinks ?? 20) ? shrinkRandom(prep, adapters, arb, c.policy, engine, runs, seed) : undefined;
    const object = small?.object ?? f.object;
    const final = small ? compareFixture(prep, adapters, { ...f, object, policies: [c.policy] })[0]! : c;
    disagreements.push({
      policy: c.policy,
      fixture: {
        name: small ? `random (seed ${seed}, shrunk)` : f.name,
        group: 'random',
        seed,
        ...(small?.path ? { path: small.path } : {}),
        occurrences,
        shrunk: Boolean(small),
      },
      object,
      expected: final.expected,
      engines: final.engines,
      kinds: final.kinds,
      ...(final.messages ? { messages: final.messages } : {}),
      decisions: final.decisions,
    });
  }
  const run = new Set(adapters.map((a) => a.id));
  return {
    engines: [
      ...adapters.map((a) => ({ id: a.id, status: 'run' as const, ...(a.describe ? { description: a.describe() } : {}) })),
      ...(options.notRun ?? []).filter((id) => !run.has(id)).map((id) => ({ id, status: 'not run' as const })),
    ],
    policies: [...prep.build.irs.keys()],
    counts: counter.list(),
    disagreements,
    totals: { fixtures: fixtures.length, evaluations, disagreements: disagreements.length },
    ...(runs > 0 ? { random: { runs, seed } } : {}),
    samples: samples.list(prep.build.irs.values()),
  };
}

/** Runs every fixture through every adapter in this thread (see verifyParallel for both cores). */
export function verify(options: VerifyOptions): VerifyResult {
  const plan = planVerify(options);
  const total = plan.fixtures.length;
  const onFixture = options.onProgress && ((i: number) => options.onProgress!(i + 1, total));
  const chunks: ChunkResult[] = [];
  for (let k = 0; k < plan.fixtures.chunks; k++) chunks.push(runPlanChunk(plan, options.adapters, k, onFixture));
  return finishVerify(options, plan, chunks);
}
