import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { buildPolicies, MANIFEST_FILE, type BuildResult } from '@podsec/compilers';
import { CliError, EXIT, type CommandIO } from '../io.js';
import { unifiedDiff } from '../diff.js';
import { loadPolicies, type LoadOptions } from '../load-policies.js';
import { applyOutput, planOutput } from '../fs/output-dir.js';

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
}

/** Loads and compiles the policies of a directory (shared by build, verify and eval). */
export async function compilePolicyDir(policyDir: string, io: CommandIO, options: LoadOptions = {}): Promise<BuildResult> {
  const loaded = await loadPolicies(policyDir, io.cwd, options);
  return buildPolicies(loaded.map((l) => l.ir));
}

function describeFsError(e: unknown, outDir: string): CliError {
  const code = (e as NodeJS.ErrnoException).code;
  const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'a path component is a file' : (e as Error).message;
  return new CliError(`${outDir}: cannot write the build output (${reason}). Fix: choose a writable --out directory.`);
}

export async function buildCommand(options: BuildOptions, io: CommandIO): Promise<number> {
  const result = await compilePolicyDir(options.policyDir, io, { typecheck: options.typecheck, select: options.policy });
  const outDir = resolve(io.cwd, options.out);
  const shown = isAbsolute(options.out) ? outDir : relative(io.cwd, outDir) || '.';
  const plan = planOutput(outDir, result.files);
  if (options.check) {
    const current = (path: string) => (existsSync(join(outDir, path)) ? readFileSync(join(outDir, path), 'utf8') : undefined);
    const diffs: string[] = [];
    const problems = [
      ...plan.changed.map((f) => {
        const old = current(f.path);
        if (options.diff ?? io.isTTY) diffs.push(unifiedDiff(old ?? '', f.content, old === undefined ? '/dev/null' : `a/${f.path}`, `b/${f.path}`));
        return old === undefined ? `  ${f.path}: missing` : `  ${f.path}: differs from what the sources generate`;
      }),
      ...plan.stale.map((p) => `  ${p}: stale (its policy no longer exists)`),
    ];
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
  try {
    applyOutput(outDir, plan, MANIFEST_FILE);
  } catch (e) {
    throw describeFsError(e, shown);
  }
  io.stdout(
    `${shown}: ${result.manifest.policies.length} policies → ${result.files.length} files (${plan.changed.length} written, ${plan.unchanged.length} unchanged, ${plan.stale.length} stale removed).\n`,
  );
  return 0;
}
