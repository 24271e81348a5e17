/**
 * A worker thread of verifyParallel: loads the engines from the registry for the same build, then
 * takes chunks of fixtures from the shared counter until none is left, sending back each chunk's
 * counts and disagreements.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ADAPTER_FACTORIES, loadAdapters } from './adapters.js';
import { prepare, runChunk } from './verify.js';
import { unpackChunk, type WorkerData, type WorkerMessage } from './worker-protocol.js';

const data = workerData as WorkerData;
const send = (m: WorkerMessage) => parentPort!.postMessage(m);

try {
  const factories = data.factoriesModule
    ? ((await import(data.factoriesModule)) as { ADAPTER_FACTORIES: typeof ADAPTER_FACTORIES }).ADAPTER_FACTORIES
    : ADAPTER_FACTORIES;
  const { adapters, notRun } = await loadAdapters(data.build, data.engines, factories);
  if (notRun.length) throw new Error(`no adapter is registered for ${notRun.join(', ')}`);
  send({ type: 'ready' });
  const prep = prepare(data.build);
  const chunks = data.fixtures.offsets.length - 1;
  for (let k = Atomics.add(data.next, 0, 1); k < chunks; k = Atomics.add(data.next, 0, 1)) {
    const fixtures = unpackChunk(data.fixtures, k);
    const start = k * data.chunkFixtures;
    send({ type: 'chunk', index: k, result: runChunk(prep, adapters, fixtures, start, start + fixtures.length, undefined, start) });
  }
  for (const a of adapters) a.close?.();
  send({ type: 'done' });
} catch (e) {
  send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}
