// Uses a real `opa` binary when one is available (OPA_BIN or PATH) and podsec's compiler
// otherwise; the result always says which compiler produced the module.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { compileRego, type HostBuiltin } from './compile-rego.js';
import type { RegoSource } from './compile/compiler.js';
import { HOST_BUILTINS } from './host-builtins.js';
import { extractTarGzFile } from './tar.js';

export interface BuildOptions {
  entrypoints: string[];
  /** Path of an opa binary; defaults to $OPA_BIN, then `opa` on $PATH. `false` forces podsec. */
  opa?: string | false;
  env?: NodeJS.ProcessEnv;
}

export interface BuildResult {
  wasm: Uint8Array;
  compiler: 'opa' | 'podsec';
  /** First line of `opa version` when opa built the module. */
  opaVersion?: string;
  entrypoints: Record<string, number>;
  hostBuiltins: Record<string, HostBuiltin>;
  memoryPages: number;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** How long one opa invocation may take (PODSEC_OPA_TIMEOUT_MS overrides it). */
export const OPA_TIMEOUT_MS = 120_000;

export function findOpa(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OPA_BIN) {
    if (!isExecutable(env.OPA_BIN)) throw new Error(`OPA_BIN=${env.OPA_BIN} is not an executable file; unset it to use podsec's compiler`);
    return env.OPA_BIN;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'opa'))) return join(dir, 'opa');
  }
  return undefined;
}

function buildWithOpa(opa: string, sources: RegoSource[], entrypoints: string[], env: NodeJS.ProcessEnv): BuildResult {
  const dir = mkdtempSync(join(tmpdir(), 'podsec-opa-'));
  try {
    const files = sources.map((s, i) => {
      const path = join(dir, 'src', `${i}-${s.path.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, s.text);
      return path;
    });
    const bundle = join(dir, 'bundle.tar.gz');
    // An opa that hangs (a wrapper script waiting on input, a wrong binary) must not hang podsec.
    const timeout = Number(env.PODSEC_OPA_TIMEOUT_MS) || OPA_TIMEOUT_MS;
    const run = (args: string[]) => {
      try {
        return execFileSync(opa, args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout, killSignal: 'SIGKILL' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ETIMEDOUT' || (e as { signal?: string }).signal === 'SIGKILL')
          throw Object.assign(new Error(`did not finish \`opa ${args[0]}\` within ${timeout / 1000} s`), { stderr: '' });
        throw e;
      }
    };
    let version: string;
    try {
      version = run(['version']).split('\n')[0]!.trim();
      run(['build', '-t', 'wasm', ...entrypoints.flatMap((e) => ['-e', e]), '-o', bundle, ...files]);
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(
        `opa (${opa}) failed: ${err.stderr?.trim() || err.message}. Fix: point OPA_BIN at a working opa binary, or unset it to use podsec's compiler.`,
      );
    }
    const wasm = extractTarGzFile(readFileSync(bundle), '/policy.wasm');
    if (!wasm) throw new Error(`opa build wrote ${bundle} without /policy.wasm`);
    return {
      wasm,
      compiler: 'opa',
      opaVersion: version,
      entrypoints: Object.fromEntries(entrypoints.map((e, i) => [e, i])),
      hostBuiltins: { ...HOST_BUILTINS },
      memoryPages: 5,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function buildWasm(sources: RegoSource[], options: BuildOptions): BuildResult {
  const env = options.env ?? process.env;
  const opa = options.opa === false ? undefined : (options.opa ?? findOpa(env));
  if (opa) return buildWithOpa(opa, sources, options.entrypoints, env);
  const r = compileRego(sources, { entrypoints: options.entrypoints });
  return { wasm: r.wasm, compiler: 'podsec', entrypoints: r.entrypoints, hostBuiltins: r.hostBuiltins, memoryPages: r.memoryPages };
}
