import { describe, expect, it } from '@jest/globals';
import { loadRegoBatch } from '@podsec/rego';
import { buildWasmFor, ownerOf, receiveWasm, shareWasm, threadDone, wasmOf } from '../src/prebuilt.js';
import { gatekeeperReview } from '../src/adapters/rego.js';
import { ENGINE_IDS, type LoadedBuild } from '../src/types.js';
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

/**
 * Two threads of one run, each with its own copy of the build (as a worker gets it); what one posts
 * reaches the other as a structured clone, as postMessage delivers it.
 */
function twoThreads(): [LoadedBuild, LoadedBuild] {
  const builds: [LoadedBuild, LoadedBuild] = [structuredClone(build), structuredClone(build)];
  builds.forEach((b, thread) => {
    const other = builds[1 - thread]!;
    shareWasm(b, { thread, threads: 2, engines: ENGINE_IDS, post: (modules) => receiveWasm(other, structuredClone(modules)) });
  });
  return builds;
}

/** Whether `p` has settled once the event loop has turned: false while it waits for another thread. */
async function settledSoon(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('Wasm compiles split between threads', () => {
  it('gives each thread one of the two Rego engines to compile, and one thread both', () => {
    expect(ownerOf('rego', ENGINE_IDS, 2)).toBe(0);
    expect(ownerOf('gatekeeper', ENGINE_IDS, 2)).toBe(1);
    expect(ownerOf('gatekeeper', ENGINE_IDS, 1)).toBe(0);
    // The turns are over the run's engines: a run without plain Rego compiles Gatekeeper on the main thread.
    expect(ownerOf('gatekeeper', ['gatekeeper', 'kyverno'], 2)).toBe(0);
    expect(ownerOf('gatekeeper', ENGINE_IDS, 3)).toBe(1);
  });

  it('runs on the other thread the bytes the owner compiled, without compiling them again', async () => {
    const [main, worker] = twoThreads();
    const { sources, options } = regoOf(0);
    // The worker asks first: it waits for the main thread, which owns the plain Rego module.
    const there = buildWasmFor(worker, 'rego', sources, options);
    const here = await buildWasmFor(main, 'rego', sources, options);
    const posted = wasmOf(worker).received;
    expect(posted).toHaveLength(1);
    expect((await there).wasm).toBe(posted[0]!.wasm);
    expect(wasmOf(worker).compiled).toEqual([]);
    expect(wasmOf(main).compiled.map((s) => s.wasm)).toEqual([here.wasm]);
    expect(Object.keys((await there).hostBuiltins).sort()).toEqual(Object.keys(here.hostBuiltins).sort());

    const decide = async (r: typeof here) => {
      const batch = await loadRegoBatch(r.wasm, r.hostBuiltins, { memoryPages: r.memoryPages });
      return JSON.stringify(batch.evaluate({ ...gatekeeperReview(privileged, {}), parameters: null }, [{ entrypoint: options.entrypoints[0]! }]));
    };
    expect(await decide(await there)).toBe(await decide(here));
  });

  it('compiles on the thread that owns the engine and posts the bytes to the other', async () => {
    const [main, worker] = twoThreads();
    const { sources, options } = regoOf(1);
    const built = await buildWasmFor(worker, 'gatekeeper', sources, options);
    expect(wasmOf(worker).compiled.map((s) => s.wasm)).toEqual([built.wasm]);
    // Already there when the main thread asks: nothing to wait for, nothing to compile.
    const there = await buildWasmFor(main, 'gatekeeper', sources, options);
    expect(wasmOf(main).compiled).toEqual([]);
    expect(there.wasm).toEqual(built.wasm);
    expect(there.wasm).not.toBe(built.wasm);
  });

  it('compiles the module itself when its owner finishes loading without posting it', async () => {
    const [main, worker] = twoThreads();
    const { sources, options } = regoOf(0);
    const waiting = buildWasmFor(main, 'gatekeeper', sources, options);
    expect(await settledSoon(waiting)).toBe(false);
    // The owner is loaded (or failed) without compiling this module.
    threadDone(main, 1);
    const built = await waiting;
    expect(wasmOf(main).compiled.map((s) => s.wasm)).toEqual([built.wasm]);
    // And posts it all the same: the worker, had it asked, would not compile it again.
    expect(wasmOf(worker).received.map((s) => s.key)).toEqual(wasmOf(main).compiled.map((s) => s.key));
  });

  it('waits for the owner again on a later run of the same build', async () => {
    const [main] = twoThreads();
    threadDone(main, 1);
    // A second run on this build, with a worker of its own: its thread 1 is not done.
    const posted: string[] = [];
    shareWasm(main, { thread: 0, threads: 2, engines: ENGINE_IDS, post: (modules) => posted.push(...modules.map((m) => m.key)) });
    const { sources, options } = regoOf(1);
    const waiting = buildWasmFor(main, 'gatekeeper', sources, options);
    expect(await settledSoon(waiting)).toBe(false);
    threadDone(main, 1);
    await waiting;
    expect(posted).toHaveLength(1);
  });
});
