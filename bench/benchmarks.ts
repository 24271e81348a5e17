/**
 * Every benchmark `pnpm bench` runs, in order: bench/<name>.ts, which writes
 * bench/results/<name>.json through writeBenchResult. A list apart from run.ts so tests can read
 * it without running anything.
 */
export const BENCHMARKS = ['rego-wasm', 'kyverno', 'cel', 'verify', 'scale-build', 'scale-verify', 'cold-start'] as const;

/** Files of bench/ that are machinery, not benchmarks. */
export const BENCH_MACHINERY = ['benchmarks', 'compare', 'run', 'speed-probe', 'support'] as const;
