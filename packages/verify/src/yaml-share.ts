/**
 * The build's YAML files parsed once across the threads of a run: at scale, parsing them is the
 * largest part of loading the engines (1,000 policies: about 4 s), and it used to happen on the
 * main thread while the workers waited for the result. Every thread now takes the next file from
 * one shared counter and the parsed documents are exchanged, so a file is parsed by one thread.
 *
 * counters[0] is the next file; counters[1 + w] counts the files worker w has taken (raised before
 * it takes one, lowered when there was none left), so once the main thread finds the counter
 * exhausted, a worker whose count is 0 will never post a file and is not waited for.
 */
import { parsedOf, seedYaml, yamlFilesOf, type ParsedYaml } from './adapters/admission.js';
import type { LoadedBuild } from './types.js';
import { Arrivals } from './arrivals.js';

export type ParsedFiles = [string, ParsedYaml][];

export function yamlCounters(workers: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * (1 + workers)));
}

/** Parses the files this thread takes (`worker`: its number from 0; absent on the main thread). */
export function parseYamlShare(build: LoadedBuild, counters: Int32Array, worker?: number): ParsedFiles {
  const files = yamlFilesOf(build);
  const slot = worker === undefined ? undefined : 1 + worker;
  const out: ParsedFiles = [];
  for (;;) {
    if (slot !== undefined) Atomics.add(counters, slot, 1);
    const k = Atomics.add(counters, 0, 1);
    if (k >= files.length) {
      if (slot !== undefined) Atomics.sub(counters, slot, 1);
      return out;
    }
    out.push([files[k]!, parsedOf(build, files[k]!)]);
  }
}

/** Whether worker `w` took files (read once this thread's share is parsed: then it takes no more). */
export const tookYaml = (counters: Int32Array, w: number): boolean => Atomics.load(counters, 1 + w) > 0;

/**
 * A worker's view of the files the other threads parsed: the main thread posts its own share at
 * once and the rest once every worker that took files has posted them (`complete`). With one
 * worker, its own share and the main thread's are every file, so it waits for nothing more.
 */
export class ArrivingYaml {
  private readonly received = new Arrivals<ParsedFiles>();

  receive(files: ParsedFiles, complete: boolean): void {
    this.received.receive(files, complete);
  }

  /** Seeds `build`'s cache with what arrives until it holds every YAML file, or nothing more will come. */
  async into(build: LoadedBuild, own: ParsedFiles): Promise<void> {
    const missing = new Set(yamlFilesOf(build));
    for (const [f] of own) missing.delete(f);
    for (let seeded = 0; ; ) {
      for (const files of this.received.items.slice(seeded)) {
        seedYaml(build, files);
        for (const [f] of files) missing.delete(f);
      }
      seeded = this.received.items.length;
      if (missing.size === 0 || this.received.complete) return;
      await this.received.next();
    }
  }
}
