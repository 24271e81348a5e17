/**
 * `podsec eval [--policies DIR | --build DIR] [--engine rego|gatekeeper|kyverno|vpol|vap|all]
 *              [--format text|json|sarif] [--namespaces FILE…] RESOURCE…`
 *
 * RESOURCE: YAML/JSON files, directories, or `-` for stdin; multi-document YAML gives one
 * resource per document; an AdmissionReview gives its request (object, operation, user,
 * subresource). Prints the admission action per resource × policy × engine (deny, warn, audit,
 * allow, skip). Exit 0 when nothing is denied, 1 when anything is denied or an engine errored.
 */
import { PODSEC_VERSION } from '@podsec/compilers';
import {
  ADAPTER_FACTORIES,
  applyNamespaces,
  ENGINE_IDS,
  evaluateResource,
  FixtureLoadError,
  loadAdapters,
  readInputText,
  readResources,
  renderEvalSarif,
  type AdapterFactory,
  type EngineId,
  type EvalRow,
} from '@podsec/verify';
import { CliError, EXIT, type CommandIO } from '../io.js';
import { loadBuildFor, policySources } from './verify.js';

export const EVAL_FORMATS = ['text', 'json', 'sarif'] as const;
export type EvalFormat = (typeof EVAL_FORMATS)[number];

export type EngineChoice = EngineId | 'all';

export interface EvalCommandOptions {
  /** `--policies DIR` (default `policies` when --build is not given). */
  policies?: string;
  /** `--policy NAME` (repeatable, globs): evaluate only these policies. */
  policy?: string[];
  /** `--no-typecheck` sets this to false. */
  typecheck?: boolean;
  /** `--build DIR`: a build directory instead of policy sources. */
  build?: string;
  /** `--engine` (default all). */
  engine?: EngineChoice;
  /** `--format text|json|sarif` (default text). */
  format?: EvalFormat;
  /** `--namespaces FILE…`: Namespace objects whose labels the resources see. */
  namespaces?: string[];
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
      const head = `${r.resource}  ${r.policy}  ${r.engine}: ${r.action ?? r.verdict}`;
      const source =
        r.actionSource === 'policy mode'
          ? '    action: the policy mode (a Rego module carries none)'
          : r.actionSource
            ? `    action: ${r.actionSource.file} ${r.actionSource.path} = ${r.actionSource.found}`
            : undefined;
      const lines = [
        head,
        ...(r.skipReason ? [`    skip: ${r.skipReason}`] : []),
        ...(source ? [source] : []),
        ...r.violations.map((v) => `    ${v.rule}: ${v.message}`),
        ...(r.error ? [`    error: ${r.error}`] : []),
      ];
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
  if (options.format && !EVAL_FORMATS.includes(options.format)) throw new CliError(`--format ${options.format}: eval writes ${EVAL_FORMATS.join(', ')}.`, 2);
  if (options.policies && options.build) throw new CliError('--policies and --build are alternatives. Fix: pass one of them.', 2);
  if (!options.resources.length) throw new CliError('no RESOURCE given. Fix: pass YAML/JSON files, directories, or - for stdin.', 2);
  let resources;
  try {
    const stdin = deps.readStdin ?? (() => readInputText(0, '<stdin>'));
    const load = readResources(options.resources, io.cwd, stdin);
    resources = applyNamespaces(load.resources, options.namespaces ?? [], io.cwd);
    for (const s of load.skipped) io.stderr(`podsec: skipped ${s}\n`);
  } catch (e) {
    // No resource evaluated is a usage error, never an empty `[]` with exit 0.
    if (e instanceof FixtureLoadError) throw new CliError(e.message, 2);
    throw e;
  }
  const selection = { policyDir: options.policies, build: options.build, policy: options.policy, typecheck: options.typecheck };
  const build = await loadBuildFor(selection, io);
  const wanted = engine === 'all' ? ENGINE_IDS : [engine];
  const { adapters, notRun } = await loadAdapters(build, wanted, deps.factories ?? ADAPTER_FACTORIES);
  if (engine !== 'all' && notRun.length) throw new CliError(`--engine ${engine}: no adapter is registered for this engine in this podsec.`);
  if (!adapters.length) throw new CliError('no engine adapter is registered, so nothing can be evaluated.');
  if (notRun.length) io.stderr(`podsec: not run (no adapter registered): ${notRun.join(', ')}\n`);
  try {
    let failed = false;
    const format = options.format ?? 'text';
    const json = jsonStream(io.stdout);
    // Text and JSON stream one resource's rows at a time; SARIF is one document, so it collects.
    const sarifRows: EvalRow[] = [];
    for (const r of resources) {
      const rows = evaluateResource(build, adapters, r);
      failed ||= rows.some((row) => row.verdict !== 'allow');
      if (format === 'json') json.rows(rows);
      else if (format === 'sarif') sarifRows.push(...rows);
      else io.stdout(renderText(rows));
    }
    if (format === 'json') json.end();
    if (format === 'sarif') io.stdout(renderEvalSarif(sarifRows, { toolVersion: PODSEC_VERSION, sourceOf: policySources(build, selection, io) }));
    return failed ? EXIT.findings : EXIT.ok;
  } finally {
    for (const a of adapters) a.close?.();
  }
}
