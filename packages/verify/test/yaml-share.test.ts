import { describe, expect, it } from '@jest/globals';
import { expectYaml, parsedYamlOf, yamlDocuments, yamlFilesOf, yamlSettled } from '../src/adapters/admission.js';
import { loadAdapters } from '../src/adapters.js';
import type { WorkerYaml, WorkerYamlDone } from '../src/worker-protocol.js';
import { batchesOf, parseBatches, YamlCollector, yamlWork } from '../src/yaml-share.js';
import { buildOf, REFERENCE_FACTORIES, SEED_IRS } from './support.js';

const fresh = () => buildOf(SEED_IRS);

/** A collector whose broadcasts are recorded as [message, except]. */
function collector(batch: number) {
  const build = fresh();
  const work = yamlWork(build, batch);
  const sent: [WorkerYaml | WorkerYamlDone, number | undefined][] = [];
  const c = new YamlCollector(build, work, (m, except) => sent.push([m, except]));
  let settled = false;
  void c.done.then(() => (settled = true));
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  return { build, work, sent, c, settled: () => settled, flush };
}

describe('YAML parsed by every thread in turn', () => {
  it('cuts the build into batches that together parse each file once', () => {
    const build = fresh();
    const work = yamlWork(build, 3);
    expect(work.files).toEqual(yamlFilesOf(build));
    expect(batchesOf(work)).toBe(Math.ceil(work.files.length / 3));
    const parts: WorkerYaml[] = [];
    parseBatches(build, work, (p) => parts.push(p));
    expect(parts.map((p) => p.batch)).toEqual([...Array(batchesOf(work)).keys()]);
    expect(parts.flatMap((p) => p.files)).toEqual(parsedYamlOf(build));
    // The counter is shared: a second thread finds nothing left.
    parseBatches(build, work, () => {
      throw new Error('no batch is left');
    });
  });

  it('settles once this thread parsed every batch, having posted each to the workers', async () => {
    const { work, sent, c, settled, flush } = collector(4);
    c.parseHere();
    await flush();
    expect(settled()).toBe(true);
    expect(sent.map(([m]) => m.type)).toEqual([...Array(batchesOf(work)).fill('yaml'), 'yaml-done']);
    expect(sent.every(([, except]) => except === undefined)).toBe(true);
  });

  it("seeds a worker's batches here and relays them to the other workers, then settles", async () => {
    const { build, work, sent, c, settled, flush } = collector(4);
    // Worker 1 took the first batch before this thread started parsing.
    const taken = Atomics.add(work.next, 0, 1);
    c.parseHere();
    await flush();
    expect(settled()).toBe(false);
    const other = fresh();
    const part: WorkerYaml = { type: 'yaml', batch: taken, files: [[work.files[0]!, { docs: [{ kind: 'FromWorker' }] }]] };
    c.fromWorker(1, part);
    await flush();
    expect(settled()).toBe(true);
    expect(sent).toContainEqual([part, 1]);
    expect(sent.at(-1)).toEqual([{ type: 'yaml-done' }, undefined]);
    // What the worker parsed is what this thread's engines read.
    expect(yamlDocuments(build, work.files[0]!)).toEqual([{ kind: 'FromWorker' }]);
    expect(yamlDocuments(other, work.files[0]!)).not.toEqual([{ kind: 'FromWorker' }]);
  });

  it('stops waiting when a worker ends with batches it took, and then parses them where they are read', async () => {
    const { build, work, c, settled, flush } = collector(4);
    Atomics.add(work.next, 0, 1);
    c.parseHere();
    c.workerEnded();
    await flush();
    expect(settled()).toBe(true);
    expect(yamlDocuments(build, work.files[0]!)).toEqual(yamlDocuments(fresh(), work.files[0]!));
  });

  it('makes loadAdapters wait for the batches other threads are parsing', async () => {
    const { build, work, c } = collector(4);
    expectYaml(build, c.done);
    Atomics.add(work.next, 0, 1);
    c.parseHere();
    let loaded = false;
    const loading = loadAdapters(build, ['rego'], REFERENCE_FACTORIES).then(() => (loaded = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(loaded).toBe(false);
    c.workerEnded();
    await loading;
    expect(loaded).toBe(true);
    await expect(yamlSettled(build)).resolves.toBeUndefined();
  });
});
