import { isAbsolute, relative, resolve } from 'node:path';
import { buildPolicies, MANIFEST_FILE, type BuildResult } from '@podsec/compilers';
import { CliError, type CommandIO } from '../io.js';
import { loadPolicies } from '../load-policies.js';
import { applyOutput, planOutput } from '../fs/output-dir.js';

export const DEFAULT_POLICY_DIR = 'policies';
export const DEFAULT_OUT_DIR = 'generated';

export interface BuildOptions {
  policyDir: string;
  out: string;
  check: boolean;
}

/** Loads and compiles the policies of a directory (shared by build, verify and eval). */
export async function compilePolicyDir(policyDir: string, io: CommandIO): Promise<BuildResult> {
  const loaded = await loadPolicies(policyDir, io.cwd);
  return buildPolicies(loaded.map((l) => l.ir));
}

function describeFsError(e: unknown, outDir: string): CliError {
  const code = (e as NodeJS.ErrnoException).code;
  const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'a path component is a file' : (e as Error).message;
  return new CliError(`${outDir}: cannot write the build output (${reason}). Fix: choose a writable --out directory.`);
}

export async function buildCommand(options: BuildOptions, io: CommandIO): Promise<number> {
  const result = await compilePolicyDir(options.policyDir, io);
  const outDir = resolve(io.cwd, options.out);
  const shown = isAbsolute(options.out) ? outDir : relative(io.cwd, outDir) || '.';
  const plan = planOutput(outDir, result.files);
  if (options.check) {
    const problems = [
      ...plan.changed.map((f) => `  ${f.path}: differs from what the sources generate`),
      ...plan.stale.map((p) => `  ${p}: stale (its policy no longer exists)`),
    ];
    if (problems.length === 0) {
      io.stdout(`${shown}: ${result.files.length} generated files are up to date.\n`);
      return 0;
    }
    io.stderr(
      `${shown}: ${problems.length} generated file(s) are out of date; run \`podsec build ${options.policyDir} --out ${options.out}\`:\n${problems.join('\n')}\n`,
    );
    return 1;
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
