/**
 * A fixed single-threaded workload (objects, strings, JSON, a Map: what the engines spend their
 * time on), best of five, in milliseconds. This machine's speed drifts by tens of percent from one
 * hour to the next; a result records the probe at the bench's start and end, so a figure that moved
 * can be told apart from a machine that did. The start is taken by `pnpm bench` before it starts
 * each benchmark (handed over in START_ENV), never inside a benchmark's own processes: the probe's
 * ~0.6 s would be counted in what they time.
 */
export function speedProbeMs(): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    let acc = 0;
    const counts = new Map<string, number>();
    for (let i = 0; i < 100_000; i++) {
      const o = { a: i, b: `k${i % 1000}`, c: [i, i + 1], d: { e: i % 7 === 0 } };
      acc += (JSON.parse(JSON.stringify(o)) as typeof o).c[1]!;
      counts.set(o.b, (counts.get(o.b) ?? 0) + (o.d.e ? 1 : 0));
    }
    if (acc + counts.size < 0) throw new Error('unreachable: keeps the work observable');
    best = Math.min(best, performance.now() - t0);
  }
  return +best.toFixed(1);
}

/** Where `pnpm bench` hands each benchmark the probe it took just before starting it. */
export const START_ENV = 'PODSEC_BENCH_PROBE_START';

/** The probe taken before this benchmark started, or undefined when it was run on its own. */
export function probeAtStart(): number | undefined {
  const v = Number(process.env[START_ENV]);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}
