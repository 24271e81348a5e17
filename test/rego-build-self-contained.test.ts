// `podsec rego build` output for every bundled policy is a self-contained OPA Wasm module: the
// bare @open-policy-agent/opa-wasm SDK, given no custom built-ins, loads it and decides the 148
// upstream PSA fixture Pods as the policy's reference semantics (the IR evaluator) do.
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { gatekeeperInput, type BuildManifest } from '@podsec/compilers';
import { evaluatePolicy, type PolicyIR } from '@podsec/ir';
import { loadRegoPolicy } from '@podsec/rego';
import { podsec, scratchDir } from './support/cli.js';
import { sharedDir } from './support/shared.js';

const out = scratchDir('rego-self-contained');
afterAll(() => rmSync(out, { recursive: true, force: true }));

const psaDir = sharedDir('conformance', 'psa');
const pods = (JSON.parse(readFileSync(join(psaDir, 'index.json'), 'utf8')) as { file: string }[]).map((f) => ({
  file: f.file,
  pod: parse(readFileSync(join(psaDir, f.file), 'utf8')) as unknown,
}));

describe('podsec rego build: bundled policies run in the bare opa-wasm SDK', () => {
  it('every policy builds, loads with no custom built-ins, and decides every PSA fixture as its IR does', async () => {
    expect((await podsec(['build', 'policies', '--out', out])).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as BuildManifest;
    expect(manifest.policies.length).toBeGreaterThan(20);
    const disagreements: string[] = [];
    let usesRegex = 0;
    for (const entry of manifest.policies) {
      const rego = entry.rego as { file: string; entrypoint: string };
      const wasmPath = join(out, `${entry.name}.wasm`);
      const built = await podsec(['rego', 'build', '-e', rego.entrypoint, '-o', wasmPath, join(out, rego.file)]);
      expect({ policy: entry.name, code: built.code, stderr: built.stderr }).toEqual({ policy: entry.name, code: 0, stderr: '' });
      if (/regex\.match|glob\.match/.test(readFileSync(join(out, rego.file), 'utf8'))) usesRegex++;
      // loadRegoPolicy is the unmodified SDK's loadPolicy; `{}` gives it no custom built-ins at all.
      const policy = await loadRegoPolicy(readFileSync(wasmPath), {});
      const ir = JSON.parse(readFileSync(join(out, entry.ir.file), 'utf8')) as PolicyIR;
      for (const { file, pod } of pods) {
        // A parameterised policy's module reads the instance's values from input.parameters, as Gatekeeper passes them.
        const rs = policy.evaluate(gatekeeperInput(pod, {}, ir.values ?? {}), rego.entrypoint) as { result: unknown[] }[];
        const denies = (rs[0]?.result ?? []).length > 0;
        const want = evaluatePolicy(ir, pod);
        if (denies !== (want.applies && want.violated)) disagreements.push(`${entry.name} on ${file}: wasm ${denies ? 'denies' : 'allows'}`);
      }
    }
    expect(disagreements).toEqual([]);
    // The library exercises the in-module regex/glob engine, not only built-ins that never needed a host.
    expect(usesRegex).toBeGreaterThan(0);
  }, 300_000);
});
