/**
 * `podsec eval [--policies DIR | --build DIR] [--engine rego|gatekeeper|kyverno|vpol|vap|all]
 *              [--format text|json|sarif] [--namespaces FILE…] RESOURCE…`
 *
 * RESOURCE: YAML/JSON files, directories, or `-` for stdin; multi-document YAML gives one
 * resource per document; an AdmissionReview gives its request (object, operation, user,
 * subresource). Prints the admission action per resource × policy × engine (deny, warn, audit,
 * allow, skip). Exit 0 when nothing is denied, 1 when anything is denied or an engine errored.
 */
import { readFileSync } from 'node:fs';
import { PODSEC_VERSION } from '@podsec/compilers';
import {
  ADAPTER_FACTORIES,
  applyNamespaces,
  ENGINE_IDS,
  evaluateResources,
  FixtureLoadError,
  loadAdapters,
  loadResources,
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

export async function evalCommand(options: EvalCommandOptions, io: CommandIO, deps: EvalDeps = {}): Promise<number> {
  const engine = options.engine ?? 'all';
  if (engine !== 'all' && !ENGINE_IDS.includes(engine))
    throw new CliError(`--engine ${engine}: unknown engine. Fix: use one of ${[...ENGINE_IDS, 'all'].join(', ')}.`, 2);
  if (options.format && !EVAL_FORMATS.includes(options.format)) throw new CliError(`--format ${options.format}: eval writes ${EVAL_FORMATS.join(', ')}.`, 2);
  if (options.policies && options.build) throw new CliError('--policies and --build are alternatives. Fix: pass one of them.', 2);
  if (!options.resources.length) throw new CliError('no RESOURCE given. Fix: pass YAML/JSON files, directories, or - for stdin.', 2);
  let resources;
  try {
    resources = applyNamespaces(loadResources(options.resources, io.cwd, deps.readStdin ?? (() => readFileSync(0, 'utf8'))), options.namespaces ?? [], io.cwd);
  } catch (e) {
    if (e instanceof FixtureLoadError) throw new CliError(e.message);
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
    const rows = evaluateResources(build, adapters, resources);
    const render: Record<EvalFormat, () => string> = {
      text: () => renderText(rows),
      json: () => `${JSON.stringify(rows, null, 2)}\n`,
      sarif: () => renderEvalSarif(rows, { toolVersion: PODSEC_VERSION, sourceOf: policySources(build, selection, io) }),
    };
    io.stdout(render[options.format ?? 'text']());
    return rows.some((r) => r.verdict !== 'allow') ? EXIT.findings : EXIT.ok;
  } finally {
    for (const a of adapters) a.close?.();
  }
}
