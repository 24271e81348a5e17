/**
 * A worker thread of verifyParallel: loads the engines from the registry for the build as soon as
 * it starts (while the main thread still plans the fixtures), then, once told the run, takes
 * chunks of fixtures from the shared counter until none is left (each as soon as the main thread
 * has drawn it), sending back each chunk's counts and disagreements.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ADAPTER_FACTORIES } from './adapters.js';
import { forgetYaml, seedYaml } from './adapters/admission.js';
import { expectSharedWasm, receiveSharedWasm } from './prebuilt.js';
import { prepare, runChunk } from './verify.js';
import { unpackChunk } from './fixture-store.js';
import { ChunkInbox } from './chunk-inbox.js';
import type { ToWorker, WorkerData, WorkerMessage, WorkerRun, WorkerWasm } from './worker-protocol.js';
import { parseBatches } from './yaml-share.js';

const data = workerData as WorkerData;
const send = (m: WorkerMessage) => parentPort!.postMessage(m);
// Listening from the start: the main thread's Wasm and the run may be posted while the engines still load.
let onYamlDone: () => void = () => {};
let onWasm: (modules: WorkerWasm['modules']) => void = () => {};
let onRun: (run: WorkerRun) => void = () => {};
const yamlDone = new Promise<void>((resolve) => (onYamlDone = resolve));
const wasm = new Promise<WorkerWasm['modules']>((resolve) => (onWasm = resolve));
const run = new Promise<WorkerRun>((resolve) => (onRun = resolve));
const chunks = new ChunkInbox();
parentPort!.on('message', (m: ToWorker) => {
  if (m.type === 'yaml') seedYaml(data.build, m.files);
  else if (m.type === 'yaml-done') onYamlDone();
  else if (m.type === 'wasm') onWasm(m.modules);
  else if (m.type === 'wasm-module') receiveSharedWasm(data.build, m.module);
  else if (m.type === 'fixtures') chunks.receive(m.k, m.bytes);
  else onRun(m);
});
expectSharedWasm(data.build, wasm);

try {
  const factories = data.factoriesModule
    ? ((await import(data.factoriesModule)) as { ADAPTER_FACTORIES: typeof ADAPTER_FACTORIES }).ADAPTER_FACTORIES
    : ADAPTER_FACTORIES;
  const missing = data.engines.filter((id) => !factories[id]);
  if (missing.length) throw new Error(`no adapter is registered for ${missing.join(', ')}`);
  // This thread's share of the YAML, then the other threads' (posted as they parse theirs).
  parseBatches(data.build, data.yaml, send);
  await yamlDone;
  // All at once: an engine waiting for the main thread's Wasm lets the others load meanwhile.
  const adapters = await Promise.all(data.engines.map((id) => factories[id]!(data.build)));
  forgetYaml(data.build);
  const prep = prepare(data.build);
  send({ type: 'ready' });
  const { chunks: count, chunkFixtures, next } = await run;
  for (let k = Atomics.add(next, 0, 1); k < count; k = Atomics.add(next, 0, 1)) {
    // The main thread may still be drawing this chunk.
    const chunk = unpackChunk(await chunks.take(k));
    const start = k * chunkFixtures;
    send({ type: 'chunk', index: k, result: runChunk(prep, adapters, chunk, start, start + chunk.length, undefined, start) });
  }
  parentPort!.removeAllListeners('message');
  for (const a of adapters) a.close?.();
  send({ type: 'done' });
} catch (e) {
  send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
