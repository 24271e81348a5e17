/**
 * The gatekeeper-library PSP conformance data (../shared/conformance/gatekeeper-psp) run through
 * every podsec engine: for each assertion, `pspPolicy(<the case's constraint>)` is compiled to
 * every target and each engine decides the case's object. The Gatekeeper engine runs podsec's
 * ConstraintTemplate with the **upstream Constraint file itself** (drop-in), not podsec's own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPolicies, TARGETS, type BuildResult, type TargetCompiler } from '@podsec/compilers';
import { evaluatePolicy, type PolicyIR } from '@podsec/ir';
import { pspPolicy } from '@podsec/psp-library';
import { ENGINE_IDS, loadAdapters, loadBuildFromResult, parseResources, type EngineAdapter, type EngineId } from '@podsec/verify';
import { parse } from 'yaml';
import { sharedDir } from './shared.js';

export interface PspAssertion {
  suite: string;
  test: string;
  case: string;
  constraint: string;
  object: string;
  violations: 'yes' | 'no' | number;
  message?: string;
}

/** The 140 assertions, in index order. */
export function pspAssertions(): PspAssertion[] {
  const raw = JSON.parse(readFileSync(sharedDir('conformance', 'gatekeeper-psp', 'index.json'), 'utf8')) as PspAssertion[];
  return raw.map((a) => ({ ...a, violations: typeof a.violations === 'string' && /^\d+$/.test(a.violations) ? Number(a.violations) : a.violations }));
}

export const pspFile = (rel: string) => join(sharedDir('conformance', 'gatekeeper-psp'), rel);

/** Engines whose natural unit is one violation per failed check (counts compared exactly) and whose messages are the Rego's. */
export const COUNTING_ENGINES: ReadonlySet<EngineId> = new Set(['rego', 'gatekeeper']);

export interface EngineResult {
  outcome: 'violated' | 'satisfied' | 'error';
  messages: string[];
  error?: string;
}

/** Every engine, plus `reference`: the IR's reference semantics (evaluatePolicy) on the same instance. */
export type Judge = EngineId | 'reference';
export const JUDGES: readonly Judge[] = ['reference', ...ENGINE_IDS];

interface Compiled {
  ir?: PolicyIR;
  adapters?: EngineAdapter[];
  /** Why there is no policy at all (pspPolicy refused the Constraint). */
  policyError?: string;
  /** Engines whose target cannot compile the policy, with the compiler's error. */
  errors: Partial<Record<EngineId, string>>;
}

/** The build target each engine runs. */
const ENGINE_TARGET: Readonly<Record<EngineId, string>> = { rego: 'rego', gatekeeper: 'gatekeeper', kyverno: 'kyverno', vpol: 'kyvernoVpol', vap: 'vap' };

const compiled = new Map<string, Promise<Compiled>>();

const readConstraintDoc = (constraintRel: string) => ({
  text: readFileSync(pspFile(constraintRel), 'utf8'),
  doc: parse(readFileSync(pspFile(constraintRel), 'utf8')) as unknown,
});

/**
 * The build of `pspPolicy(constraint)` for `targets` (all by default) with the Gatekeeper
 * constraint file replaced by the upstream one.
 */
export function buildWithUpstreamConstraint(constraintRel: string, targets: readonly TargetCompiler[] = TARGETS): { result: BuildResult; policy: string } {
  const { text, doc } = readConstraintDoc(constraintRel);
  const policy = pspPolicy(doc, constraintRel);
  const result = buildPolicies([policy.ir], { targets });
  const entry = result.manifest.policies[0]!.gatekeeper as { constraint: { file: string } } | undefined;
  const files = result.files.map((f) => (f.path === entry?.constraint.file ? { ...f, content: text } : f));
  return { result: { ...result, files }, policy: policy.ir.name };
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Builds the targets that compile the policy (one failing target does not hide the others) and loads their engines. */
function compile(constraintRel: string): Promise<Compiled> {
  let p = compiled.get(constraintRel);
  if (!p) {
    p = (async (): Promise<Compiled> => {
      let ir: PolicyIR;
      try {
        ir = pspPolicy(readConstraintDoc(constraintRel).doc, constraintRel).ir;
      } catch (e) {
        return { policyError: message(e), errors: {} };
      }
      const errors: Partial<Record<EngineId, string>> = {};
      const targets = TARGETS.filter((t) => {
        try {
          buildPolicies([ir], { targets: [t] });
          return true;
        } catch (e) {
          for (const id of ENGINE_IDS) if (ENGINE_TARGET[id] === t.id) errors[id] = message(e);
          return false;
        }
      });
      const build = loadBuildFromResult(buildWithUpstreamConstraint(constraintRel, targets).result);
      const { adapters } = await loadAdapters(
        build,
        ENGINE_IDS.filter((id) => errors[id] === undefined),
      );
      return { ir, adapters, errors };
    })();
    compiled.set(constraintRel, p);
  }
  return p;
}

/** Every engine's decision on the assertion's object. */
export async function runAssertion(a: PspAssertion): Promise<Record<Judge, EngineResult>> {
  const c = await compile(a.constraint);
  const out = {} as Record<Judge, EngineResult>;
  const failAll = (judges: readonly Judge[], error: string) => {
    for (const id of judges) out[id] = { outcome: 'error', messages: [], error };
  };
  if (c.policyError !== undefined) {
    failAll(JUDGES, c.policyError);
    return out;
  }
  const [resource] = parseResources(readFileSync(pspFile(a.object), 'utf8'), a.object);
  try {
    const v = evaluatePolicy(c.ir!, resource!.object, resource!.ctx ?? {});
    out.reference = { outcome: v.applies && v.violated ? 'violated' : 'satisfied', messages: v.applies ? v.violations.map((x) => x.message) : [] };
  } catch (e) {
    out.reference = { outcome: 'error', messages: [], error: message(e) };
  }
  for (const [id, error] of Object.entries(c.errors)) failAll([id as EngineId], error);
  for (const adapter of c.adapters!) {
    const [d] = adapter.evaluate(resource!.object, resource!.ctx ?? {});
    out[adapter.id] = d
      ? { outcome: d.outcome, messages: d.violations.map((v) => v.message), ...(d.error ? { error: d.error } : {}) }
      : { outcome: 'error', messages: [], error: 'no decision' };
  }
  return out;
}

/**
 * Whether an engine's result meets the assertion, as gator reads it: `yes` at least one, `no`
 * none, N exactly N — counted per violation for Rego and Gatekeeper (and only those matching the
 * message regex), per policy (violated or not) for Kyverno and the CEL engines, whose unit is a
 * rule or validation rather than one violation per container; the reference, violated with a
 * message matching the regex when there is one.
 */
export function holds(a: PspAssertion, engine: Judge, r: EngineResult): boolean {
  if (r.outcome === 'error') return false;
  // The reference reports one rendered message per violated rule (renderRuleMessage): where the
  // suite expects a violation with a message, one of them must match it.
  if (engine === 'reference' && a.message && a.violations !== 'no') return r.messages.some((m) => new RegExp(a.message!).test(m));
  if (engine !== 'reference' && COUNTING_ENGINES.has(engine)) {
    const re = a.message ? new RegExp(a.message) : undefined;
    const n = (re ? r.messages.filter((m) => re.test(m)) : r.messages).length;
    return a.violations === 'yes' ? n > 0 : a.violations === 'no' ? n === 0 : n === a.violations;
  }
  const violated = r.outcome === 'violated';
  return a.violations === 'no' ? !violated : violated;
}

export const assertionId = (a: PspAssertion, i: number) => `${a.suite}/${a.test}/${a.case}#${i}`;
