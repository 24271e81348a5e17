/**
 * Parsing a build's YAML split between verify's threads. At a thousand policies parsing is most of
 * loading the engines, and every thread needs every file: the threads take batches of files from
 * one shared counter, parse them, and post what they parsed to the others (the main thread relays
 * a worker's batches to the other workers). When every batch is in, or a worker ended before
 * handing over its batches, the main thread says so (`yaml-done`); a file that never arrived is
 * parsed by whichever thread reads it.
 */
import { parsedYamlOf, seedYaml, yamlFilesOf } from './adapters/admission.js';
import type { LoadedBuild } from './types.js';
import type { WorkerYaml, WorkerYamlDone, YamlWork } from './worker-protocol.js';

/** Files per batch: small enough to spread a build over the threads, large enough that messages cost nothing. */
export const YAML_BATCH = 16;

export function yamlWork(build: LoadedBuild, batch = YAML_BATCH): YamlWork {
  return { files: yamlFilesOf(build), batch, next: new Int32Array(new SharedArrayBuffer(4)) };
}

export const batchesOf = (work: YamlWork): number => Math.ceil(work.files.length / work.batch);

/** Parses batches (keeping them in this thread's cache) until none is left, handing each to `post`. */
export function parseBatches(build: LoadedBuild, work: YamlWork, post: (part: WorkerYaml) => void): void {
  const batches = batchesOf(work);
  for (let b = Atomics.add(work.next, 0, 1); b < batches; b = Atomics.add(work.next, 0, 1))
    post({ type: 'yaml', batch: b, files: parsedYamlOf(build, work.files.slice(b * work.batch, (b + 1) * work.batch)) });
}

/**
 * The main thread's side: parses batches itself, collects the workers', relays every batch to the
 * workers that did not parse it, and settles `done` once every batch is in or a worker has ended.
 */
export class YamlCollector {
  readonly done: Promise<void>;
  private settle: () => void = () => {};
  private settled = false;
  private readonly received = new Set<number>();

  /** `broadcast` posts a message to every worker still alive except `except`. */
  constructor(
    private readonly build: LoadedBuild,
    private readonly work: YamlWork,
    private readonly broadcast: (m: WorkerYaml | WorkerYamlDone, except?: number) => void,
  ) {
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  /** Parses batches on this thread until none is left (workers take theirs meanwhile). */
  parseHere(): void {
    parseBatches(this.build, this.work, (part) => {
      this.broadcast(part);
      this.got(part.batch);
    });
    this.check();
  }

  /** A batch worker `from` parsed. */
  fromWorker(from: number, part: WorkerYaml): void {
    if (this.settled) return;
    seedYaml(this.build, part.files);
    this.broadcast(part, from);
    this.got(part.batch);
    this.check();
  }

  /** A worker ended: batches it took may never come, so nobody waits for them. */
  workerEnded(): void {
    this.finish();
  }

  private got(batch: number): void {
    this.received.add(batch);
  }

  private check(): void {
    if (this.received.size === batchesOf(this.work)) this.finish();
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    this.broadcast({ type: 'yaml-done' });
    this.settle();
  }
}
