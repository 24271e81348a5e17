/**
 * `podsec verify [POLICY_DIR] [--build DIR] [--fixtures PATH…] [--random N] [--seed S]
 *                [--psa DIR] [--format text|json|junit|html] [--out FILE]`
 *
 * Builds POLICY_DIR in memory (or loads `--build DIR`), runs generated, random, user and PSA
 * fixtures through every registered engine adapter and compares each to the reference
 * semantics. Exit 1 on any disagreement, or when no engine could be run; 0 otherwise.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { relative, resolve, sep } from 'node:path';
import { PODSEC_VERSION } from '@podsec/compilers';
import {
  ADAPTER_FACTORIES,
  applyNamespaces,
  BuildLoadError,
  ENGINE_IDS,
  FixtureLoadError,
  generatedFixtures,
  loadAdapters,
  loadBuildFromDir,
  loadBuildFromResult,
  loadResources,
  progressBar,
  psaFixtures,
  renderVerifySarif,
  REPORTERS,
  prewarmVerifyWorkers,
  startVerifyWorkers,
  userFixtures,
  verifyParallel,
  verifyPassed,
  type AdapterFactory,
  type EngineAdapter,
  type EngineId,
  type Fixture,
  type LoadedBuild,
  type PolicySource,
  type ReportFormat,
} from '@podsec/verify';
import { writeFileAtomic } from '../fs/atomic.js';
import { CliError, EXIT, type CommandIO } from '../io.js';
import { selectPolicies } from '../select.js';
import { compilePolicyDir, DEFAULT_POLICY_DIR } from './build.js';

export type VerifyFormat = ReportFormat | 'sarif';
export const REPORT_FORMATS: readonly VerifyFormat[] = ['text', 'json', 'junit', 'html', 'sarif'];
export const DEFAULT_RANDOM = 200;
/** A fixed default, so two runs over the same sources are the same run; `--seed random` varies it. */
export const DEFAULT_SEED = 1;
/** Where the PSA ground truth sits beside a checkout; used when present and --psa is not given. */
export const DEFAULT_PSA_DIR = '../shared/conformance/psa';

/** One thread per CPU: on a single core the workers would only add their start-up. */
export const defaultWorkers = () => Math.max(0, availableParallelism() - 1);

export interface VerifyCommandOptions {
  /** Positional POLICY_DIR (default `policies`); ignored when `build` is given. */
  policyDir?: string;
  /** `--build DIR`: verify a build directory written by `podsec build` (possibly hand-edited). */
  build?: string;
  /** `--fixtures PATH…` (repeatable): YAML/JSON files or directories of resources or AdmissionReviews. */
  fixtures?: string[];
  /** `--namespaces FILE…` (repeatable): Namespace objects whose labels the fixtures see. */
  namespaces?: string[];
  /** `--random N` (default 200; 0 disables). */
  random?: number;
  /** `--seed S` (default DEFAULT_SEED; `random`: time based, printed so the run can be repeated). */
  seed?: number | 'random';
  /** `--psa DIR`: PSA conformance folder (index.json); default ../shared/conformance/psa when present. */
  psa?: string;
  /** `--format` (default text). */
  format?: VerifyFormat;
  /** `--out FILE`: write the report there instead of stdout. */
  out?: string;
  /** `--workers N`: worker threads besides the main one (default: availableParallelism() - 1; 0: one thread). */
  workers?: number;
  /** `--policy NAME` (repeatable, globs): verify only these policies. */
  policy?: string[];
  /** `--no-typecheck` sets this to false. */
  typecheck?: boolean;
}

export interface VerifyDeps {
  factories?: Partial<Record<EngineId, AdapterFactory>>;
  env?: NodeJS.ProcessEnv;
}

export interface BuildSelection {
  policyDir?: string;
  build?: string;
  policy?: string[];
  typecheck?: boolean;
}

/** Only the selected policies of a build read from disk; bundles survive when all members do. */
function selectFromBuild(build: LoadedBuild, patterns: readonly string[]): LoadedBuild {
  if (!patterns.length) return build;
  const policies = selectPolicies(build.manifest.policies, patterns, (p) => p.name);
  const names = new Set(policies.map((p) => p.name));
  const bundles = Object.fromEntries(Object.entries(build.manifest.bundles ?? {}).filter(([, members]) => members.every((m) => names.has(m))));
  const { bundles: _dropped, ...rest } = build.manifest;
  return {
    ...build,
    manifest: { ...rest, policies, ...(Object.keys(bundles).length ? { bundles } : {}) },
    irs: new Map([...build.irs].filter(([name]) => names.has(name))),
  };
}

/** Loads the build the options name: a build directory, or the policy folder compiled in memory. */
export async function loadBuildFor(options: BuildSelection, io: CommandIO): Promise<LoadedBuild> {
  try {
    if (options.build) return selectFromBuild(loadBuildFromDir(resolve(io.cwd, options.build)), options.policy ?? []);
    return loadBuildFromResult(await compilePolicyDir(options.policyDir ?? DEFAULT_POLICY_DIR, io, { typecheck: options.typecheck, select: options.policy }));
  } catch (e) {
    if (e instanceof BuildLoadError) throw new CliError(e.message);
    throw e;
  }
}

/**
 * Where each policy is defined, for SARIF: its module (relative to the user's directory) and the
 * line that names it; for a build directory read from disk, the IR file the build holds.
 */
export function policySources(build: LoadedBuild, options: BuildSelection, io: CommandIO): (policy: string) => PolicySource | undefined {
  const shown = (abs: string) => relative(io.cwd, abs).split(sep).join('/');
  return (policy) => {
    const entry = build.manifest.policies.find((p) => p.name === policy);
    if (!entry) return undefined;
    if (options.build) return { uri: shown(resolve(io.cwd, options.build, entry.ir.file)) };
    const ir = build.irs.get(policy);
    if (!ir?.source) return undefined;
    const file = resolve(io.cwd, options.policyDir ?? DEFAULT_POLICY_DIR, ir.source);
    let line: number | undefined;
    try {
      const at = readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(`'${policy}'`) || l.includes(`"${policy}"`));
      if (at >= 0) line = at + 1;
    } catch {
      // The module moved since it was loaded: the location is still the best we know.
    }
    return { uri: shown(file), ...(line ? { line } : {}) };
  };
}

function collectFixtures(options: VerifyCommandOptions, build: LoadedBuild, io: CommandIO): Fixture[] {
  const fixtures = generatedFixtures(build.irs.values());
  try {
    if (options.fixtures?.length) fixtures.push(...userFixtures(applyNamespaces(loadResources(options.fixtures, io.cwd), options.namespaces ?? [], io.cwd)));
    const psaDir = options.psa ? resolve(io.cwd, options.psa) : resolve(io.cwd, DEFAULT_PSA_DIR);
    const hasPssBundles = Object.keys(build.manifest.bundles ?? {}).some((b) => b.startsWith('pss-'));
    if (!options.psa && hasPssBundles && !existsSync(resolve(psaDir, 'index.json')))
      io.stderr(
        `podsec: no Pod Security Admission fixtures at ${DEFAULT_PSA_DIR}, so the pss-* bundles are checked without PSA's own verdicts. Fix: pass --psa DIR (a folder with index.json, e.g. the upstream PSA fixtures).\n`,
      );
    if (options.psa || existsSync(resolve(psaDir, 'index.json'))) {
      const psa = psaFixtures(psaDir, build.manifest);
      fixtures.push(...psa.fixtures);
      if (options.psa && psa.fixtures.length === 0)
        io.stderr(`podsec: --psa ${options.psa}: the build has no pss-baseline/pss-restricted bundle, so the PSA fixtures were not checked.\n`);
    }
  } catch (e) {
    if (e instanceof FixtureLoadError) throw new CliError(e.message);
    throw e;
  }
  return fixtures;
}

function checkOptions(options: VerifyCommandOptions): void {
  if (options.format && !REPORT_FORMATS.includes(options.format))
    throw new CliError(`--format ${options.format}: unknown report format. Fix: use one of ${REPORT_FORMATS.join(', ')}.`, 2);
  for (const [flag, v] of [
    ['--random', options.random],
    ['--workers', options.workers],
    ['--seed', options.seed === 'random' ? undefined : options.seed],
  ] as const)
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new CliError(`${flag} ${v}: expected a non-negative integer.`, 2);
}

export async function verifyCommand(options: VerifyCommandOptions, io: CommandIO, deps: VerifyDeps = {}): Promise<number> {
  checkOptions(options);
  // Workers load their engines from the registry, so adapters of the caller's own run here only.
  const workers = deps.factories ? 0 : (options.workers ?? defaultWorkers());
  // Started before the policies are loaded: loading their own modules overlaps with that.
  const prewarmed = workers > 0 ? prewarmVerifyWorkers(workers) : undefined;
  let build: Awaited<ReturnType<typeof loadBuildFor>>;
  try {
    build = await loadBuildFor(options, io);
  } catch (e) {
    prewarmed?.close();
    throw e;
  }
  if (build.modified?.length)
    io.stderr(
      `podsec: ${build.modified.length} file(s) of ${options.build} differ from what its manifest.json records (edited by hand?): ${build.modified.join(', ')}. Verifying them as they are.\n`,
    );
  const onWorkerError = (why: string) => io.stderr(`podsec: a verify worker thread failed (${why}); its fixtures were run in the main thread.\n`);
  // Given the build now, so they load their engines while this thread collects fixtures and loads its own.
  const pool =
    workers > 0
      ? startVerifyWorkers({ build, engines: ENGINE_IDS.filter((id) => ADAPTER_FACTORIES[id]), workers, onWorkerError, ...(prewarmed ? { prewarmed } : {}) })
      : undefined;
  let adapters: EngineAdapter[] = [];
  try {
    // Loading the engines reads every YAML file: the workers' share of them first. Then the engines,
    // before the fixtures: the Wasm this thread compiles is what the workers wait for.
    await pool?.yamlParsed;
    const loaded = await loadAdapters(build, ENGINE_IDS, deps.factories ?? ADAPTER_FACTORIES);
    const fixtures = collectFixtures(options, build, io);
    adapters = loaded.adapters;
    const result = await verifyParallel({
      workers,
      ...(pool ? { pool } : {}),
      onWorkerError,
      build,
      adapters,
      notRun: loaded.notRun,
      fixtures,
      random: options.random ?? DEFAULT_RANDOM,
      seed: options.seed === 'random' ? Date.now() % 2 ** 31 : (options.seed ?? DEFAULT_SEED),
      onProgress: progressBar({ isTTY: io.isTTY, write: io.stderr }, deps.env),
    });
    const format = options.format ?? 'text';
    const report =
      format === 'sarif' ? renderVerifySarif(result, { toolVersion: PODSEC_VERSION, sourceOf: policySources(build, options, io) }) : REPORTERS[format](result);
    if (options.out) {
      writeFileAtomic(resolve(io.cwd, options.out), report);
      io.stdout(`${options.out}: ${options.format ?? 'text'} report, ${result.totals.fixtures} fixtures, ${result.totals.disagreements} disagreement(s).\n`);
    } else io.stdout(report);
    if (!adapters.length) io.stderr('podsec: no engine adapter is registered, so nothing was verified.\n');
    return verifyPassed(result) ? EXIT.ok : EXIT.findings;
  } finally {
    pool?.close();
    for (const a of adapters) a.close?.();
  }
}
