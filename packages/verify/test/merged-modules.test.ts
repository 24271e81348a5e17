/**
 * The rego and gatekeeper adapters put every policy (template) of a build into one Wasm module and
 * parse each object once for all of them. That is only an optimisation: every decision must be the
 * one the per-policy modules give, and a build where merging could change a decision (two files in
 * one package, Rego that reads `data`) must fall back to one module per policy.
 */
import { describe, expect, it } from '@jest/globals';
import { createGatekeeperAdapterFactory } from '../src/adapters/gatekeeper.js';
import { createRegoAdapterFactory } from '../src/adapters/rego.js';
import { generatedFixtures } from '../src/fixtures/generate.js';
import { buildArbitrary, randomFixtures } from '../src/fixtures/random-fixtures.js';
import type { AdapterFactory, LoadedBuild } from '../src/types.js';
import { buildOf, LIBRARY_IRS, SEED_IRS } from './support.js';

const FACTORIES: Record<string, (o: { merge?: boolean }) => AdapterFactory> = {
  rego: createRegoAdapterFactory,
  gatekeeper: createGatekeeperAdapterFactory,
};

describe.each(Object.keys(FACTORIES))('%s adapter: one merged module', (engine) => {
  const make = FACTORIES[engine]!;

  it('decides every generated and random fixture of the library exactly as one module per policy does', async () => {
    const build = buildOf(LIBRARY_IRS);
    const merged = await make({})(build);
    const separate = await make({ merge: false })(build);
    expect(merged.describe?.()).toMatch(/in one module, each (object|review) parsed once/);
    expect(separate.describe?.()).not.toMatch(/one module/);
    const fixtures = [...generatedFixtures(LIBRARY_IRS), ...randomFixtures(buildArbitrary(LIBRARY_IRS), 100, 7)];
    let violated = 0;
    for (const f of fixtures) {
      const want = separate.evaluate(f.object, f.ctx ?? {});
      expect(merged.evaluate(f.object, f.ctx ?? {})).toEqual(want);
      violated += want.filter((d) => d.outcome === 'violated').length;
    }
    // The comparison is only worth something if policies are violated and satisfied.
    expect(violated).toBeGreaterThan(100);
    const only = [LIBRARY_IRS[3]!.name];
    expect(merged.evaluate(fixtures[0]!.object, {}, only)).toEqual(separate.evaluate(fixtures[0]!.object, {}, only));
  });

  it('falls back to one module per policy when merging could change a decision', async () => {
    const build = buildOf(SEED_IRS);
    const files = new Map(build.files);
    const sources = [...files.keys()].filter((f) => (engine === 'rego' ? f.endsWith('.rego') : f.includes('templates/')));
    expect(sources.length).toBeGreaterThan(1);
    const packageOf = (f: string) => /^\s*package\s+(\S+)/m.exec(files.get(f)!)![1]!;
    if (engine === 'rego') {
      // A rule reading `data`: in a merged module it could see the other policies' rules.
      files.set(sources[0]!, `${files.get(sources[0]!)!}\nreads_data := data.inventory\n`);
    } else {
      // Two templates in one package: merged, their rules would be one another's.
      files.set(sources[1]!, files.get(sources[1]!)!.replace(`package ${packageOf(sources[1]!)}`, `package ${packageOf(sources[0]!)}`));
    }
    const changed: LoadedBuild = { ...build, files };
    const adapter = await make({})(changed);
    expect(adapter.describe?.()).not.toMatch(/one module/);
    const separate = await make({ merge: false })(changed);
    for (const f of generatedFixtures(SEED_IRS).slice(0, 40)) expect(adapter.evaluate(f.object, f.ctx ?? {})).toEqual(separate.evaluate(f.object, f.ctx ?? {}));
  });

  it('an object the merged module cannot take (not JSON) is an error for every policy, naming why, never a pass', async () => {
    const build = buildOf(SEED_IRS);
    const merged = await make({})(build);
    expect(merged.describe?.()).toMatch(/one module/);
    // Not JSON: the merged module refuses it as a whole; no policy may pass it quietly.
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    const decisions = merged.evaluate({ ...pod, metadata: { ...pod.metadata, generation: 1n } }, {});
    expect(decisions).toHaveLength(SEED_IRS.length);
    for (const d of decisions) {
      expect(d.outcome).toBe('error');
      expect(d.error).toMatch(/BigInt/);
    }
    // The same object without the BigInt is decided normally.
    expect(merged.evaluate(pod, {}).every((d) => d.outcome !== 'error')).toBe(true);
  });
});
