/**
 * `podsec eval [--policies DIR | --build DIR] [--engine rego|kyverno|vpol|vap|all]
 *              [--format text|json] RESOURCE…`
 *
 * RESOURCE: YAML/JSON files, directories, or `-` for stdin; multi-document YAML gives one
 * resource per document. Prints a verdict per resource × policy × engine. Exit 0 when everything
 * is allowed, 1 when anything is denied or an engine errored.
 */
import {
  ADAPTER_FACTORIES,
  ENGINE_IDS,
  evaluateResource,
  FixtureLoadError,
  loadAdapters,
  readInputText,
  readResources,
  type AdapterFactory,
  type EngineId,
  type EvalRow,
} from '@podsec/verify';
import { CliError, type CommandIO } from '../io.js';
import { loadBuildFor } from './verify.js';

export type EngineChoice = EngineId | 'all';

export interface EvalCommandOptions {
  /** `--policies DIR` (default `policies`). */
  policies?: string;
  /** `--build DIR`: a build directory instead of policy sources. */
  build?: string;
  /** `--engine` (default all). */
  engine?: EngineChoice;
  /** `--format text|json` (default text). */
  format?: 'text' | 'json';
  /** Positional RESOURCE… (at least one). */
  resources: string[];
}

export interface EvalDeps {
  factories?: Partial<Record<EngineId, AdapterFactory>>;
  /** Reads all of stdin for `-` (default: file descriptor 0). */
  readStdin?: () => string;
}

function renderText(rows: readonly EvalRow[]): string {
  return rows
    .map((r) => {
      const head = `${r.resource}  ${r.policy}  ${r.engine}: ${r.verdict}`;
      const lines = [head, ...r.violations.map((v) => `    ${v.rule}: ${v.message}`), ...(r.error ? [`    error: ${r.error}`] : [])];
      return lines.join('\n');
    })
    .join('\n')
    .concat(rows.length ? '\n' : '');
}

/** The rows of `JSON.stringify(rows, null, 2)`, written one resource at a time so output never sits in memory whole. */
function jsonStream(write: (t: string) => void) {
  let first = true;
  return {
    rows(rows: readonly EvalRow[]) {
      for (const r of rows) {
        write(`${first ? '[\n' : ',\n'}  ${JSON.stringify(r, null, 2).replace(/\n/g, '\n  ')}`);
        first = false;
      }
    },
    end: () => write(first ? '[]\n' : '\n]\n'),
  };
}

export async function evalCommand(options: EvalCommandOptions, io: CommandIO, deps: EvalDeps = {}): Promise<number> {
  const engine = options.engine ?? 'all';
  if (engine !== 'all' && !ENGINE_IDS.includes(engine))
    throw new CliError(`--engine ${engine}: unknown engine. Fix: use one of ${[...ENGINE_IDS, 'all'].join(', ')}.`, 2);
  if (options.format && options.format !== 'text' && options.format !== 'json') throw new CliError(`--format ${options.format}: eval writes text or json.`, 2);
  if (options.policies && options.build) throw new CliError('--policies and --build are alternatives. Fix: pass one of them.', 2);
  if (!options.resources.length) throw new CliError('no RESOURCE given. Fix: pass YAML/JSON files, directories, or - for stdin.', 2);
  let resources;
  try {
    const stdin = deps.readStdin ?? (() => readInputText(0, '<stdin>'));
    const load = readResources(options.resources, io.cwd, stdin);
    resources = load.resources;
    for (const s of load.skipped) io.stderr(`podsec: skipped ${s}\n`);
  } catch (e) {
    // No resource evaluated is a usage error, never an empty `[]` with exit 0.
    if (e instanceof FixtureLoadError) throw new CliError(e.message, 2);
    throw e;
  }
  const build = await loadBuildFor({ policyDir: options.policies, build: options.build }, io);
  const wanted = engine === 'all' ? ENGINE_IDS : [engine];
  const { adapters, notRun } = await loadAdapters(build, wanted, deps.factories ?? ADAPTER_FACTORIES);
  if (engine !== 'all' && notRun.length) throw new CliError(`--engine ${engine}: no adapter is registered for this engine in this podsec.`);
  if (!adapters.length) throw new CliError('no engine adapter is registered, so nothing can be evaluated.');
  if (notRun.length) io.stderr(`podsec: not run (no adapter registered): ${notRun.join(', ')}\n`);
  try {
    let failed = false;
    const json = jsonStream(io.stdout);
    for (const r of resources) {
      const rows = evaluateResource(build, adapters, r);
      failed ||= rows.some((row) => row.verdict !== 'allow');
      if (options.format === 'json') json.rows(rows);
      else io.stdout(renderText(rows));
    }
    if (options.format === 'json') json.end();
    return failed ? 1 : 0;
  } finally {
    for (const a of adapters) a.close?.();
  }
}
