import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parsePolicyIR, type PolicyIR } from '@podsec/ir';
import { generatedNames } from '../../../src/shared/names.js';
import { compileClusterPolicy, kyvernoClusterPolicyCompiler, type KyvernoCompileOptions } from '../../../src/kyverno/index.js';
import type { TargetOutput } from '../../../src/shared/target.js';
import { toYaml } from '../../../src/shared/yaml.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/ir/', import.meta.url));

/**
 * IR fixtures only this target is held to yet (IR features other targets do not render yet, such as
 * containerMessage); the shared ones in FIXTURE_DIR are run by every compiler's tests.
 */
export const KYVERNO_ONLY_FIXTURE_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The IR fixtures this target owns (`kyverno-*.json`), parsed and validated by the IR's own loader. */
export function kyvernoFixtures(): { file: string; ir: PolicyIR }[] {
  const files = [FIXTURE_DIR, KYVERNO_ONLY_FIXTURE_DIR]
    .flatMap((dir) => readdirSync(dir).map((f) => ({ dir, f })))
    .filter(({ f }) => f.startsWith('kyverno-') && f.endsWith('.json'))
    .sort((a, b) => (a.f < b.f ? -1 : a.f > b.f ? 1 : 0));
  if (!files.length) throw new Error(`no kyverno-*.json IR fixtures in ${FIXTURE_DIR}`);
  return files.map(({ dir, f }) => ({ file: f, ir: parsePolicyIR(JSON.parse(readFileSync(dir + f, 'utf8')), f) }));
}

export interface CompiledFixture {
  output: TargetOutput;
  /** The ClusterPolicy as Kyverno would read it from the emitted YAML. */
  policy: Record<string, unknown>;
  manifest: { rules: Record<string, Record<string, string>> };
}

export function compileFixture(ir: PolicyIR): CompiledFixture {
  const output = kyvernoClusterPolicyCompiler.compile(ir, generatedNames(ir));
  const policy = parse(output.files[0]!.content) as Record<string, unknown>;
  return { output, policy, manifest: output.manifest as CompiledFixture['manifest'] };
}

/** The policy as written with the given options, round-tripped through YAML like the target's file. */
export function compilePolicyWith(ir: PolicyIR, options: KyvernoCompileOptions): Record<string, unknown> {
  return compileWith(ir, options).policy;
}

/** The policy with the given options and the rule names it reports (autogen- names unless written explicitly). */
export function compileWith(
  ir: PolicyIR,
  options: KyvernoCompileOptions,
): { policy: Record<string, unknown>; ruleNames: Record<string, Record<string, string>> } {
  const compiled = compileClusterPolicy(ir, generatedNames(ir), options);
  return { policy: parse(toYaml(compiled.policy)) as Record<string, unknown>, ruleNames: compiled.ruleNames };
}
