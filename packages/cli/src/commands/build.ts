import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { assembleBuild, BUILD_LOCK_FILE, compilePolicy, MANIFEST_FILE, type BuildResult } from '@podsec/compilers';
import { CliError, EXIT, type CommandIO } from '../io.js';
import { unifiedDiff } from '../diff.js';
import { withPreparedPolicies, type LoadOptions } from '../load-policies.js';
import { writeFilesAtomic } from '../fs/atomic.js';
import { lockHolder, processAlive, withDirLock } from '../fs/lock.js';
import { planOutput, removeLeftoverTemps, removeStale, type OutputPlan } from '../fs/output-dir.js';

export const DEFAULT_POLICY_DIR = 'policies';
export const DEFAULT_OUT_DIR = 'generated';

export interface BuildOptions {
  policyDir: string;
  out: string;
  check: boolean;
  /** With --check: print a unified diff of each changed file (default: when stdout is a terminal). */
  diff?: boolean;
  /** `--policy NAME` patterns; the build directory then holds exactly those policies. */
  policy?: string[];
  /** `--no-typecheck` sets this to false. */
  typecheck?: boolean;
  /** `--kyverno-controllers`: Pod controllers by Kyverno's autogen (default) or explicit ClusterPolicy rules. */
  kyvernoControllers?: 'autogen' | 'explicit';
}

/** Loads and compiles the policies of a directory (shared by build, verify and eval). */
export async function compilePolicyDir(
  policyDir: string,
  io: CommandIO,
  options: LoadOptions = {},
  compile: { kyvernoControllers?: 'autogen' | 'explicit' } = {},
): Promise<BuildResult> {
  // Compiling is pure, so it overlaps with the type check and with importing the later modules (each
  // policy is compiled as its module arrives); the caller writes only once this resolves.
  return withPreparedPolicies(
    policyDir,
    io.cwd,
    options,
    (loaded) => compilePolicy(loaded.ir, compile),
    (compiled) => assembleBuild(compiled),
  );
}

function describeFsError(e: unknown, outDir: string): CliError {
  if (e instanceof CliError) return e;
  const err = e as NodeJS.ErrnoException;
  const where = err.path ? relative(process.cwd(), err.path) || err.path : outDir;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOTDIR: 'a path component is a file',
    EEXIST: 'a file is in the way of a directory',
    EISDIR: 'a directory is in the way of a file',
    ENOSPC: 'no space left on the device',
  };
  return new CliError(
    `${outDir}: cannot write the build output (${reasons[err.code ?? ''] ?? err.message})${where !== outDir ? ` at ${where}` : ''}. Fix: choose a writable --out directory.`,
  );
}

const keptLines = (plan: OutputPlan) => plan.kept.map((k) => `  ${k.path}: kept (${k.reason})`);

export async function buildCommand(options: BuildOptions, io: CommandIO): Promise<number> {
  const result = await compilePolicyDir(
    options.policyDir,
    io,
    { typecheck: options.typecheck, select: options.policy },
    options.kyvernoControllers ? { kyvernoControllers: options.kyvernoControllers } : {},
  );
  const outDir = resolve(io.cwd, options.out);
  const shown = isAbsolute(options.out) ? outDir : relative(io.cwd, outDir) || '.';
  if (options.check) {
    const plan = planOutput(outDir, result.files, shown);
    const holder = lockHolder(outDir);
    const current = (path: string) => (existsSync(join(outDir, path)) ? readFileSync(join(outDir, path), 'utf8') : undefined);
    const diffs: string[] = [];
    const problems = [
      ...(holder !== undefined
        ? [
            holder && processAlive(holder)
              ? `  ${BUILD_LOCK_FILE}: a build (pid ${holder}) is writing this directory now`
              : `  ${BUILD_LOCK_FILE}: left by an interrupted build; the files may mix two builds`,
          ]
        : []),
      ...plan.changed.map((f) => {
        const old = current(f.path);
        if (options.diff ?? io.isTTY) diffs.push(unifiedDiff(old ?? '', f.content, old === undefined ? '/dev/null' : `a/${f.path}`, `b/${f.path}`));
        return old === undefined ? `  ${f.path}: missing` : `  ${f.path}: differs from what the sources generate`;
      }),
      ...plan.stale.map((p) => `  ${p}: stale (its policy no longer exists)`),
    ];
    if (plan.kept.length) io.stderr(`${shown}: files podsec did not write (not checked):\n${keptLines(plan).join('\n')}\n`);
    if (problems.length === 0) {
      io.stdout(`${shown}: ${result.files.length} generated files are up to date.\n`);
      return 0;
    }
    io.stderr(
      `${shown}: ${problems.length} generated file(s) are out of date; run \`podsec build ${options.policyDir} --out ${options.out}\`:\n${problems.join('\n')}\n`,
    );
    if (diffs.length) io.stdout(diffs.join(''));
    return EXIT.findings;
  }
  let plan: OutputPlan;
  let leftovers: string[] = [];
  try {
    mkdirSync(outDir, { recursive: true });
    plan = await withDirLock(outDir, shown, () => {
      leftovers = removeLeftoverTemps(outDir);
      const p = planOutput(outDir, result.files, shown);
      // The manifest goes last: until it is renamed, readers trust the previous one.
      const ordered = [...p.changed].sort((a, b) => Number(a.path === MANIFEST_FILE) - Number(b.path === MANIFEST_FILE));
      writeFilesAtomic(ordered.map((f) => ({ path: join(outDir, f.path), content: f.content })));
      removeStale(outDir, p);
      return p;
    });
  } catch (e) {
    throw describeFsError(e, shown);
  }
  if (leftovers.length) io.stderr(`${shown}: removed ${leftovers.length} temporary file(s) left by an interrupted build.\n`);
  if (plan.kept.length) io.stderr(`${shown}: kept ${plan.kept.length} file(s) podsec did not write or that changed since:\n${keptLines(plan).join('\n')}\n`);
  io.stdout(
    `${shown}: ${result.manifest.policies.length} policies → ${result.files.length} files (${plan.changed.length} written, ${plan.unchanged.length} unchanged, ${plan.stale.length} stale removed).\n`,
  );
  return 0;
}
