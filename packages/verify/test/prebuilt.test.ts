import { describe, expect, it } from '@jest/globals';
import { loadRegoBatch } from '@podsec/rego';
import { buildWasmFor, expectSharedWasm, sharedWasmOf } from '../src/prebuilt.js';
import { gatekeeperReview } from '../src/adapters/rego.js';
import { buildOf, SEED_IRS } from './support.js';

const build = buildOf(SEED_IRS.slice(0, 2));
const regoOf = (i: number) => {
  const entry = build.manifest.policies[i]!.rego as { file: string; entrypoint: string };
  return { sources: [{ path: entry.file, text: build.files.get(entry.file)! }], options: { entrypoints: [entry.entrypoint], opa: false as const } };
};
const privileged = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'c', image: 'x', securityContext: { allowPrivilegeEscalation: true } }] },
};

describe('Wasm shared between threads', () => {
  it('hands another thread the bytes this one compiled, which it runs without compiling them again', async () => {
    const { sources, options } = regoOf(0);
    const here = await buildWasmFor(build, sources, options);
    const shared = sharedWasmOf(build);
    expect(shared).toHaveLength(1);
    expect(shared[0]!.wasm).toBe(here.wasm);

    // What a worker holds: a structured clone of the build and of the posted modules.
    const worker = structuredClone(build);
    const posted = structuredClone(shared);
    expectSharedWasm(worker, Promise.resolve(posted));
    const there = await buildWasmFor(worker, sources, options);
    // The posted bytes themselves: nothing was compiled on the worker's side.
    expect(there.wasm).toBe(posted[0]!.wasm);
    expect(sharedWasmOf(worker)).toEqual([]);
    expect(Object.keys(there.hostBuiltins).sort()).toEqual(Object.keys(here.hostBuiltins).sort());

    const decide = async (r: typeof here) => {
      const batch = await loadRegoBatch(r.wasm, r.hostBuiltins, { memoryPages: r.memoryPages });
      return JSON.stringify(batch.evaluate({ ...gatekeeperReview(privileged, {}), parameters: null }, [{ entrypoint: options.entrypoints[0]! }]));
    };
    expect(await decide(there)).toBe(await decide(here));
  });

  it('compiles sources the other thread did not share', async () => {
    const worker = structuredClone(build);
    expectSharedWasm(worker, Promise.resolve(structuredClone(sharedWasmOf(build))));
    const { sources, options } = regoOf(1);
    const built = await buildWasmFor(worker, sources, options);
    // Compiled on the worker's side, and kept there to be shared in turn.
    expect(sharedWasmOf(worker).map((s) => s.wasm)).toEqual([built.wasm]);
    expect(sharedWasmOf(build).some((s) => s.wasm === built.wasm)).toBe(false);
  });
});
