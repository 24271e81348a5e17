import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PolicyIR } from '@podsec/ir';
import { CliError } from './io.js';
import { policyCollector, type LoadedPolicy } from './policy-collector.js';
import { keepsParsedSources, typecheckPolicyModules } from './typecheck.js';
import { typecheckInWorker, typecheckWorkerAvailable } from './typecheck-thread.js';
import type { ChildMessage } from './policy-modules-protocol.js';

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);
const SKIP_DIRS = new Set(['node_modules', '.git', 'test', '__tests__']);
/** How long one policy module may take to load (PODSEC_MODULE_TIMEOUT_MS overrides it). */
export const MODULE_TIMEOUT_MS = 30_000;
/** The child process needs a moment to start Node and the TypeScript loader before the first module. */
const STARTUP_MS = 30_000;

export type { LoadedPolicy } from './policy-collector.js';

/** Policy modules below `dir`: TypeScript/JavaScript files, not tests, not declaration files. */
export function findPolicyModules(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        if (!SKIP_DIRS.has(name) && !name.startsWith('.')) visit(path);
      } else if (MODULE_EXTENSIONS.has(extname(name)) && !/\.(test|spec|d)\.[mc]?[jt]s$/.test(name) && !name.startsWith('_')) {
        out.push(path);
      }
    }
  };
  visit(dir);
  return out;
}

// From source the child is a .ts module (run through tsx); the release bundles it as a .js entry beside this chunk.
const CHILD = [new URL('./policy-modules-child.js', import.meta.url), new URL('./policy-modules-child.ts', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((f) => existsSync(f)) as string;
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;

export interface LoadOptions {
  /** Type-check the modules with the TypeScript compiler first (default true; `--no-typecheck`). */
  typecheck?: boolean;
  /** `--policy NAME` patterns (globs over policy names); empty or absent: every policy. */
  select?: readonly string[];
}

/**
 * Imports the modules in a child process, so a module that never returns, never settles a
 * top-level await or calls process.exit is stopped and named instead of hanging or silently
 * ending podsec.
 */
interface ChildImport {
  /** Settles once every module has loaded (each passed to `onLoaded` as it arrives). */
  loaded: Promise<void>;
  /** Stops the child when its result is no longer wanted (the type check failed); `loaded` then rejects. */
  cancel: () => void;
}

function importInChild(modules: { path: string; rel: string }[], shownDir: string, cwd: string, onLoaded: (rel: string, irs: PolicyIR[]) => void): ChildImport {
  const timeoutMs = Number(process.env.PODSEC_MODULE_TIMEOUT_MS) || MODULE_TIMEOUT_MS;
  let cancel = () => {};
  const loaded = new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, ['--import', TSX, CHILD, JSON.stringify(modules)], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let current: string | undefined;
    let settled = false;
    let timer: NodeJS.Timeout;
    const finish = (error?: CliError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      if (error) fail(error);
      else done();
    };
    cancel = () => finish(new CliError(`${shownDir}: loading the policy modules was stopped.`));
    const where = () => (current ? join(shownDir, current) : shownDir);
    const arm = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          finish(
            new CliError(
              current
                ? `${where()}: the policy module did not finish loading within ${ms / 1000} s (an endless loop, or a top-level await that never settles?). Fix: make the module only define and export policies.`
                : `${shownDir}: the policy loader did not start within ${ms / 1000} s.`,
            ),
          ),
        ms,
      );
    };
    arm(STARTUP_MS);
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'start') {
        current = m.rel;
        arm(timeoutMs);
      } else if (m.type === 'loaded') {
        if (!settled) onLoaded(m.rel, m.irs);
      } else if (m.type === 'error') finish(new CliError(`${join(shownDir, m.rel)}: the policy module failed to load:\n  ${m.message}`));
      else finish();
    });
    child.on('error', (e) => finish(new CliError(`${shownDir}: cannot start the policy loader (${e.message}).`)));
    child.on('exit', (code, signal) => {
      if (settled) return;
      const tail = output.trim().split('\n').slice(-3).join('\n  ');
      const exitReason =
        code === 13 ? 'its top-level await never settles' : signal ? `the process was killed (${signal})` : `it ended the process (process.exit(${code}))`;
      finish(
        new CliError(
          current
            ? `${where()}: the policy module stopped podsec while loading: ${exitReason}.${tail ? `\n  ${tail}` : ''}\nFix: make the module only define and export policies.`
            : `${shownDir}: the policy loader exited early (code ${code}).${tail ? `\n  ${tail}` : ''}`,
        ),
      );
    });
  });
  return { loaded, cancel };
}

export interface PendingPolicies<P = LoadedPolicy> {
  /**
   * Every selected policy of the folder once imported (prepared, sorted by name); until `checked`
   * has settled they may not type-check.
   */
  loaded: Promise<P[]>;
  /** Settles when the type check has passed (or was skipped); rejects with the type errors. */
  checked: Promise<unknown>;
}

/**
 * Starts type-checking and importing every policy module below `dir` (TypeScript runs through the
 * tsx loader, so authors have no compile step), and runs `prepare` on each selected policy as soon
 * as its module has loaded. In the one-shot executable the check runs on a worker thread while the
 * child imports the modules, two cores for two jobs; a long-lived process (tests, tools) checks
 * first on its own thread, where the parsed libraries are kept for the next run. Use
 * `withPreparedPolicies` (or `withCheckedPolicies`, `loadPolicies`), which make a type error win
 * over anything the import, `prepare` or the use of the policies throws.
 */
export function startLoadingPolicies<P>(
  dir: string,
  cwd: string,
  options: LoadOptions,
  prepare: (policy: LoadedPolicy) => P,
): PendingPolicies<P> & { cancel: () => void } {
  const root = resolve(cwd, dir);
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new CliError(`${dir}: no such policy directory. Fix: pass the folder that holds your policy modules (default: policies).`, 2);
  const files = findPolicyModules(root);
  const modules = files.map((path) => ({ path, rel: relative(root, path).split(sep).join('/') }));
  const typecheck = options.typecheck !== false && files.length > 0;
  const overlap = typecheck && typecheckWorkerAvailable && !keepsParsedSources();
  const collector = policyCollector(dir, options.select ?? [], prepare);
  let cancel = () => {};
  let checked: Promise<unknown>;
  let imported: Promise<void>;
  if (overlap) {
    const child = importInChild(modules, dir, cwd, collector.add);
    ({ cancel } = child);
    imported = child.loaded;
    checked = typecheckInWorker(files, cwd);
  } else {
    checked = typecheck ? typecheckPolicyModules(files, cwd) : Promise.resolve();
    imported = checked.then(() => {
      if (!modules.length) return;
      const child = importInChild(modules, dir, cwd, collector.add);
      ({ cancel } = child);
      return child.loaded;
    });
  }
  // A failed check stops the import at once: a module that hangs must not delay the type errors.
  checked.catch(() => cancel());
  return { loaded: imported.then(() => collector.finish()), checked, cancel: () => cancel() };
}

/**
 * Loads the policies below `dir`, prepares each selected one as it arrives, and runs `use` on the
 * prepared values (sorted by policy name), possibly while the type check is still running (both
 * must be pure: nothing is written before this resolves). A type error wins over whatever the
 * import, `prepare` or `use` throws, as when the check ran first.
 */
export async function withPreparedPolicies<P, T>(
  dir: string,
  cwd: string,
  options: LoadOptions,
  prepare: (policy: LoadedPolicy) => P,
  use: (prepared: P[]) => T | Promise<T>,
): Promise<T> {
  const pending = startLoadingPolicies(dir, cwd, options, prepare);
  pending.checked.catch(() => undefined);
  let result: T;
  try {
    result = await use(await pending.loaded);
  } catch (e) {
    pending.cancel();
    await pending.checked;
    throw e;
  }
  await pending.checked;
  return result;
}

/** withPreparedPolicies without a preparation: `use` gets the loaded policies themselves. */
export function withCheckedPolicies<T>(dir: string, cwd: string, options: LoadOptions, use: (policies: LoadedPolicy[]) => T | Promise<T>): Promise<T> {
  return withPreparedPolicies(dir, cwd, options, (policy) => policy, use);
}

/**
 * Type-checks and imports every policy module below `dir` and returns each policy's IR, with
 * `source` set to the module path relative to `dir`. Two different policies with one name are
 * refused, within a module too.
 */
export function loadPolicies(dir: string, cwd: string, options: LoadOptions = {}): Promise<LoadedPolicy[]> {
  return withCheckedPolicies(dir, cwd, options, (policies) => policies);
}
