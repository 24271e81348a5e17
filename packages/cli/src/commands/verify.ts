/**
 * `podsec verify [POLICY_DIR] [--build DIR] [--fixtures PATH…] [--random N] [--seed S]
 *                [--psa DIR] [--format text|json|junit|html] [--out FILE]`
 *
 * Builds POLICY_DIR in memory (or loads `--build DIR`), runs generated, random, user and PSA
 * fixtures through every registered engine adapter and compares each to the reference
 * semantics. Exit 1 on any disagreement, or when no engine could be run; 0 otherwise.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ADAPTER_FACTORIES,
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
  REPORTERS,
  userFixtures,
  verify,
  verifyPassed,
  type AdapterFactory,
  type EngineId,
  type Fixture,
  type LoadedBuild,
  type ReportFormat,
} from '@podsec/verify';
import { writeFileAtomic } from '../fs/atomic.js';
import { CliError, type CommandIO } from '../io.js';
import { compilePolicyDir, DEFAULT_POLICY_DIR } from './build.js';

export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'junit', 'html'];
export const DEFAULT_RANDOM = 200;
/** Where the PSA ground truth sits beside a checkout; used when present and --psa is not given. */
export const DEFAULT_PSA_DIR = '../shared/conformance/psa';

export interface VerifyCommandOptions {
  /** Positional POLICY_DIR (default `policies`); ignored when `build` is given. */
  policyDir?: string;
  /** `--build DIR`: verify a build directory written by `podsec build` (possibly hand-edited). */
  build?: string;
  /** `--fixtures PATH…` (repeatable): YAML/JSON files or directories of resources. */
  fixtures?: string[];
  /** `--random N` (default 200; 0 disables). */
  random?: number;
  /** `--seed S` (default: time based, printed so a run can be repeated). */
  seed?: number;
  /** `--psa DIR`: PSA conformance folder (index.json); default ../shared/conformance/psa when present. */
  psa?: string;
  /** `--format` (default text). */
  format?: ReportFormat;
  /** `--out FILE`: write the report there instead of stdout. */
  out?: string;
}

export interface VerifyDeps {
  factories?: Partial<Record<EngineId, AdapterFactory>>;
  env?: NodeJS.ProcessEnv;
}

/** Loads the build the options name: a build directory, or the policy folder compiled in memory. */
export async function loadBuildFor(options: { policyDir?: string; build?: string }, io: CommandIO): Promise<LoadedBuild> {
  try {
    if (options.build) return loadBuildFromDir(resolve(io.cwd, options.build));
    return loadBuildFromResult(await compilePolicyDir(options.policyDir ?? DEFAULT_POLICY_DIR, io));
  } catch (e) {
    if (e instanceof BuildLoadError) throw new CliError(e.message);
    throw e;
  }
}

function collectFixtures(options: VerifyCommandOptions, build: LoadedBuild, io: CommandIO): Fixture[] {
  const fixtures = generatedFixtures(build.irs.values());
  try {
    if (options.fixtures?.length) fixtures.push(...userFixtures(loadResources(options.fixtures, io.cwd)));
    const psaDir = options.psa ? resolve(io.cwd, options.psa) : resolve(io.cwd, DEFAULT_PSA_DIR);
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
    ['--seed', options.seed],
  ] as const)
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new CliError(`${flag} ${v}: expected a non-negative integer.`, 2);
}

export async function verifyCommand(options: VerifyCommandOptions, io: CommandIO, deps: VerifyDeps = {}): Promise<number> {
  checkOptions(options);
  const build = await loadBuildFor(options, io);
  if (build.modified?.length)
    io.stderr(
      `podsec: ${build.modified.length} file(s) of ${options.build} differ from what its manifest.json records (edited by hand?): ${build.modified.join(', ')}. Verifying them as they are.\n`,
    );
  const fixtures = collectFixtures(options, build, io);
  const { adapters, notRun } = await loadAdapters(build, ENGINE_IDS, deps.factories ?? ADAPTER_FACTORIES);
  try {
    const result = verify({
      build,
      adapters,
      notRun,
      fixtures,
      random: options.random ?? DEFAULT_RANDOM,
      seed: options.seed ?? Date.now() % 2 ** 31,
      onProgress: progressBar({ isTTY: io.isTTY, write: io.stderr }, deps.env),
    });
    const report = REPORTERS[options.format ?? 'text'](result);
    if (options.out) {
      writeFileAtomic(resolve(io.cwd, options.out), report);
      io.stdout(`${options.out}: ${options.format ?? 'text'} report, ${result.totals.fixtures} fixtures, ${result.totals.disagreements} disagreement(s).\n`);
    } else io.stdout(report);
    if (!adapters.length) io.stderr('podsec: no engine adapter is registered, so nothing was verified.\n');
    return verifyPassed(result) ? 0 : 1;
  } finally {
    for (const a of adapters) a.close?.();
  }
}
