/**
 * The gatekeeper-library PSP conformance data (../shared/conformance/gatekeeper-psp) run through
 * every podsec engine: for each assertion, `pspPolicy(<the case's constraint>)` is compiled to
 * every target and each engine decides the case's object. The Gatekeeper engine runs podsec's
 * ConstraintTemplate with the **upstream Constraint file itself** (drop-in), not podsec's own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPolicies, type BuildResult } from '@podsec/compilers';
import { pspPolicy } from '@podsec/psp-library';
import { ENGINE_IDS, loadAdapters, loadBuildFromResult, parseResources, type EngineAdapter, type EngineId, type LoadedBuild } from '@podsec/verify';
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

interface Compiled {
  build?: LoadedBuild;
  adapters?: EngineAdapter[];
  error?: string;
}

const compiled = new Map<string, Promise<Compiled>>();

/** The build of `pspPolicy(constraint)` with the Gatekeeper constraint file replaced by the upstream one. */
export function buildWithUpstreamConstraint(constraintRel: string): { result: BuildResult; policy: string } {
  const text = readFileSync(pspFile(constraintRel), 'utf8');
  const doc: unknown = parse(text);
  const policy = pspPolicy(doc, constraintRel);
  const result = buildPolicies([policy.ir]);
  const entry = result.manifest.policies[0]!.gatekeeper as { constraint: { file: string } };
  const files = result.files.map((f) => (f.path === entry.constraint.file ? { ...f, content: text } : f));
  return { result: { ...result, files }, policy: policy.ir.name };
}

function compile(constraintRel: string): Promise<Compiled> {
  let p = compiled.get(constraintRel);
  if (!p) {
    p = (async () => {
      try {
        const build = loadBuildFromResult(buildWithUpstreamConstraint(constraintRel).result);
        const { adapters } = await loadAdapters(build, ENGINE_IDS);
        return { build, adapters };
      } catch (e) {
        return { error: e instanceof Error ? e.message : String(e) };
      }
    })();
    compiled.set(constraintRel, p);
  }
  return p;
}

/** Every engine's decision on the assertion's object. */
export async function runAssertion(a: PspAssertion): Promise<Record<EngineId, EngineResult>> {
  const c = await compile(a.constraint);
  const out = {} as Record<EngineId, EngineResult>;
  if (c.error !== undefined) {
    for (const id of ENGINE_IDS) out[id] = { outcome: 'error', messages: [], error: c.error };
    return out;
  }
  const [resource] = parseResources(readFileSync(pspFile(a.object), 'utf8'), a.object);
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
 * rule or validation rather than one violation per container.
 */
export function holds(a: PspAssertion, engine: EngineId, r: EngineResult): boolean {
  if (r.outcome === 'error') return false;
  if (COUNTING_ENGINES.has(engine)) {
    const re = a.message ? new RegExp(a.message) : undefined;
    const n = (re ? r.messages.filter((m) => re.test(m)) : r.messages).length;
    return a.violations === 'yes' ? n > 0 : a.violations === 'no' ? n === 0 : n === a.violations;
  }
  const violated = r.outcome === 'violated';
  return a.violations === 'no' ? !violated : violated;
}

export const assertionId = (a: PspAssertion, i: number) => `${a.suite}/${a.test}/${a.case}#${i}`;
