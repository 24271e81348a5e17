/**
 * A worker thread of verifyParallel: parses its share of the build's YAML and loads the engines
 * from the registry as soon as it starts (while the main thread still loads its own), then, once
 * told the run, takes chunks of fixtures from the shared counter until none is left (waiting for
 * those the main thread is still drawing), sending back each chunk's counts and disagreements.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ADAPTER_FACTORIES } from './adapters.js';
import { forgetYaml } from './adapters/admission.js';
import { receiveWasm, shareWasm, threadDone } from './prebuilt.js';
import { prepare, runChunk } from './verify.js';
import { ArrivingYaml, parseYamlShare } from './yaml-share.js';
import { ArrivingFixtures } from './fixture-store.js';
import type { PrewarmData, ToWorker, WorkerData, WorkerMessage, WorkerRun, WorkerWasm } from './worker-protocol.js';

const send = (m: WorkerMessage) => parentPort!.postMessage(m);
// A prewarmed worker (started before the build was known) is told its WorkerData by the first
// message; every other message comes after it.
const prewarmed = (workerData as Partial<PrewarmData>).prewarm === true;
let current: WorkerData | undefined = prewarmed ? undefined : (workerData as WorkerData);
let onStart: (data: WorkerData) => void = () => {};
const started: Promise<WorkerData> = current ? Promise.resolve(current) : new Promise<WorkerData>((resolve) => (onStart = resolve));
// Listening from the start: other threads' Wasm and the run may be posted while the engines still load.
let onRun: (run: WorkerRun) => void = () => {};
// The other threads' parsed YAML, which may come before this thread needs it.
const yaml = new ArrivingYaml();
const run = new Promise<WorkerRun>((resolve) => (onRun = resolve));
// The run's chunks, which may start coming before this thread is ready to run them.
const arriving = new ArrivingFixtures();
const onWasm = (m: WorkerWasm) => {
  receiveWasm(current!.build, m.modules);
  if (m.done !== undefined) threadDone(current!.build, m.done);
};
parentPort!.on('message', (m: ToWorker) => {
  if (m.type === 'start') {
    current = m.data;
    onStart(m.data);
  } else if (m.type === 'yaml') yaml.receive(m.files, m.complete);
  else if (m.type === 'wasm') onWasm(m);
  else if (m.type === 'fixtures') arriving.receive(m.segment, m.last);
  else onRun(m);
});

try {
  const data = await started;
  // This thread's share of the build's YAML, then the rest as the other threads parsed it.
  const ownYaml = parseYamlShare(data.build, data.yamlCounters, data.thread - 1);
  send({ type: 'yaml', files: ownYaml });
  shareWasm(data.build, { thread: data.thread, threads: data.threads, engines: data.engines, post: (modules) => send({ type: 'wasm', modules }) });
  const factories = data.factoriesModule
    ? ((await import(data.factoriesModule)) as { ADAPTER_FACTORIES: typeof ADAPTER_FACTORIES }).ADAPTER_FACTORIES
    : ADAPTER_FACTORIES;
  const missing = data.engines.filter((id) => !factories[id]);
  if (missing.length) throw new Error(`no adapter is registered for ${missing.join(', ')}`);
  await yaml.into(data.build, ownYaml);
  // All at once: an engine waiting for the main thread's Wasm lets the others load meanwhile.
  const adapters = await Promise.all(data.engines.map((id) => factories[id]!(data.build)));
  forgetYaml(data.build);
  const prep = prepare(data.build);
  send({ type: 'ready' });
  const { chunkFixtures, next } = await run;
  for (;;) {
    const k = Atomics.add(next, 0, 1);
    // Waits while the main thread still draws the random fixtures this chunk is made of.
    const chunk = await arriving.chunk(k);
    if (!chunk) break;
    const start = k * chunkFixtures;
    send({ type: 'chunk', index: k, result: runChunk(prep, adapters, chunk, start, start + chunk.length, undefined, start) });
  }
  parentPort!.removeAllListeners('message');
  for (const a of adapters) a.close?.();
  send({ type: 'done' });
} catch (e) {
  send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
