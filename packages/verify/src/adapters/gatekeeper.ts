import {
  compileTemplate,
  effectiveAction,
  matchMiss,
  objectRef,
  parseConstraint,
  parseConstraintTemplate,
  reviewConstraint,
  templateEntrypoint,
  type ConstraintSource,
  type ReviewResult,
  type TemplateProgram,
  type TemplateSource,
} from '@podsec/gatekeeper';
import type { AdmissionContext } from '@podsec/ir';
import { loadRegoBatch, RegoEvalError, type BatchCall, type BatchConstant, type RegoBatch, type ResultSet } from '@podsec/rego';
import type { AdapterFactory, EngineDecision, LoadedBuild } from '../types.js';
import { buildWasmFor } from '../prebuilt.js';
import { mergeable, refusal, tryBatch } from './merge.js';

/** Where each call puts its policy's parameters (one array: the batch caches its parsed path by identity). */
const PARAMETERS: readonly string[] = ['parameters'];
import {
  admissionFacts,
  decideEach,
  namespaceObject,
  policyNames,
  targetEntry,
  userInfoOf,
  wantedOf,
  yamlDocuments,
  type AdmissionFacts,
} from './admission.js';

interface Loaded {
  policy: string;
  files?: string[];
  template?: TemplateSource;
  entrypoint?: string;
  /** The template's own module: only when it is not in the merged one. */
  program?: TemplateProgram;
  constraint?: ConstraintSource;
  error?: unknown;
  /** The Constraint's parameters, parsed into the merged module once. */
  parameters?: BatchConstant;
  /** effectiveAction of the Constraint, computed once at load (it depends on the Constraint alone). */
  action?: ReturnType<typeof effectiveAction>;
}

/**
 * Gatekeeper compiles each template with its own libs only (their `lib.*` packages live under the
 * template, frameworks' regorewriter); merged, they would be one package shared by every
 * template. So each template's libs move under a root of their own, `data.<root>.lib.*`, and its
 * references follow.
 */
function isolatedSources(template: { rego: string; libs: readonly string[] }, root: string): string[] {
  const toRoot = (text: string) => text.replace(/(?<![\w.])data\.lib\b/g, `data.${root}.lib`);
  return [toRoot(template.rego), ...template.libs.map((l) => toRoot(l).replace(/^(\s*package\s+)lib\b/m, `$1${root}.lib`))];
}

/**
 * Every template's Rego in one module (one entrypoint each), so a review is serialised and parsed
 * once and only `parameters` changes between Constraints. Only when merging cannot change a
 * decision: each source declares its own package and reads `data` only for its own template's
 * libs (not data.inventory). Otherwise, or if the merged module fails to build, each template
 * keeps its own module.
 */
async function mergedTemplates(build: LoadedBuild, loaded: Loaded[]): Promise<RegoBatch | undefined> {
  const ok = loaded.filter((l) => l.template && !l.error);
  // Constraints of one kind share one template file (and entrypoint): it goes in once.
  const templates = [...new Map(ok.map((l) => [l.template!.file, l.template!])).values()];
  if (templates.length < 2) return undefined;
  const texts = templates.flatMap((t, i) => isolatedSources(t, `template_${i}_libs`).map((text) => ({ text, root: `template_${i}_libs` })));
  if (
    !mergeable(
      texts.map((s) => s.text),
      (i) => [texts[i]!.root],
    )
  )
    return undefined;
  const sources = texts.map((s, i) => ({ path: `template-${i}.rego`, text: s.text }));
  try {
    const built = await buildWasmFor(build, 'gatekeeper', sources, { entrypoints: [...new Set(ok.map((l) => l.entrypoint!))] });
    const batch = await loadRegoBatch(built.wasm, built.hostBuiltins, { memoryPages: built.memoryPages });
    for (const l of ok) l.parameters = batch.constant(l.constraint!.parameters);
    return batch;
  } catch {
    for (const l of ok) delete l.parameters;
    return undefined;
  }
}

function violationsOf(rs: ResultSet): { msg: string; details?: unknown }[] {
  const set = rs[0]?.result;
  if (!Array.isArray(set)) return [];
  return set.map((v) => {
    const o = (typeof v === 'object' && v !== null ? v : {}) as { msg?: unknown; details?: unknown };
    return { msg: typeof o.msg === 'string' ? o.msg : JSON.stringify(v), ...(o.details !== undefined ? { details: o.details } : {}) };
  });
}

function onlyDocument(build: LoadedBuild, file: string, what: string): Record<string, unknown> {
  const docs = yamlDocuments(build, file);
  if (docs.length !== 1) throw new Error(`${file}: holds ${docs.length} YAML documents, expected one ${what}. Fix: rebuild with \`podsec build\`.`);
  return docs[0]!;
}

async function load(build: LoadedBuild, policy: string): Promise<Loaded> {
  let files: string[] | undefined;
  try {
    const entry = targetEntry(build, policy, 'gatekeeper');
    const templateFile = entry.template.file;
    const constraintFile = entry.constraint.file;
    files = [templateFile, constraintFile];
    const template = parseConstraintTemplate(onlyDocument(build, templateFile, 'ConstraintTemplate'), templateFile);
    files = [`${templateFile} ${template.at}`, `${constraintFile} spec.match`];
    const constraint = parseConstraint(onlyDocument(build, constraintFile, template.constraintKind), constraintFile, template.constraintKind);
    const action = effectiveAction(constraint); // an unknown action fails the load, naming the field
    return { policy, files, template, entrypoint: templateEntrypoint(template), constraint, action };
  } catch (error) {
    return { policy, ...(files ? { files } : {}), error };
  }
}

/** A template outside the merged module gets its own; one that does not compile errors on every review. */
async function compileOwn(l: Loaded): Promise<void> {
  if (!l.template || l.parameters || l.error !== undefined) return;
  try {
    l.program = await compileTemplate(l.template);
  } catch (error) {
    l.error = error;
  }
}

/**
 * The AdmissionRequest Gatekeeper puts in `input.review`, plus the namespace object recent
 * releases add (open-policy-agent/gatekeeper#4285).
 */
export function gatekeeperAdmissionReview(f: AdmissionFacts): Record<string, unknown> {
  return {
    uid: 'podsec-verify',
    kind: f.kind,
    resource: f.resource,
    ...(f.subResource ? { subResource: f.subResource } : {}),
    name: f.name,
    namespace: f.namespace,
    operation: f.operation,
    userInfo: userInfoOf(f),
    object: f.object,
    oldObject: f.oldObject,
    dryRun: false,
    namespaceObject: namespaceObject(f),
  };
}

/**
 * Gatekeeper's webhook is registered for resources, not subresources, except the
 * `pods/ephemeralcontainers` its chart adds: other subresource requests never reach it.
 */
const WEBHOOK_SUBRESOURCES = new Set(['', 'ephemeralcontainers']);

const MISS_REASON = {
  kind: 'kind not in the Constraint match.kinds',
  scope: 'scope not matched',
  name: 'name not matched',
  namespace: 'namespace not in match.namespaces',
  excludedNamespaces: 'namespace in match.excludedNamespaces',
  labelSelector: 'match.labelSelector not matched',
  namespaceSelector: 'match.namespaceSelector not matched',
} as const;

/** A merged template without a result: its Constraint did not match, or the batch refused the review. */
function unmerged(l: Loaded, ref: ReturnType<typeof objectRef>, refused: unknown): ReviewResult {
  const miss = matchMiss(l.constraint!.match, ref);
  if (miss) return { status: 'skip', miss };
  throw refusal(refused);
}

/** The ConstraintTemplate's Rego, gated by the Constraint's match and acted on per its enforcementAction. */
export interface GatekeeperAdapterOptions {
  /** One module for every template when that cannot change a decision (default); false: one module each. */
  merge?: boolean;
}

export const createGatekeeperAdapterFactory =
  (options: GatekeeperAdapterOptions = {}): AdapterFactory =>
  async (build: LoadedBuild) => {
    const loaded: Loaded[] = [];
    for (const policy of policyNames(build)) loaded.push(await load(build, policy));
    const merged = options.merge === false ? undefined : await mergedTemplates(build, loaded);
    // Only templates the merged module does not hold are compiled one by one (≈0.5 MB of Wasm each, per thread).
    for (const l of loaded) await compileOwn(l);
    return {
      id: 'gatekeeper',
      // Each violation's msg is the rule's message naming its offending containers (violationMessage).
      comparesMessages: true,
      describe: () =>
        `ConstraintTemplate Rego (compiled to Wasm) behind the Constraint's match, parameters and enforcementAction${merged ? ' (every template in one module, each review parsed once)' : ''}`,
      evaluate(object, ctx: AdmissionContext, only) {
        const f = admissionFacts(object, ctx);
        const review = gatekeeperAdmissionReview(f);
        // The merged module evaluates every Constraint that matches, on one parsed review.
        const batched = new Map<string, ResultSet | RegoEvalError>();
        const ref = objectRef(review);
        let refused: unknown;
        if (merged && WEBHOOK_SUBRESOURCES.has(f.subResource)) {
          const wanted = wantedOf(loaded, only).filter((l) => l.parameters && !matchMiss(l.constraint!.match, ref));
          const calls: BatchCall[] = wanted.map((l) => ({ entrypoint: l.entrypoint!, set: { path: PARAMETERS, value: l.parameters! } }));
          // `parameters: null` holds the key's place, so that setting it needs no allocation.
          const rs = calls.length
            ? tryBatch(
                () => merged.evaluate({ review, parameters: null }, calls),
                (e) => (refused = e),
              )
            : [];
          wanted.forEach((l, i) => rs[i] && batched.set(l.policy, rs[i]));
        }
        // Decisions are built as literals: object spreads cost microseconds per decision on Node 20.
        return decideEach('gatekeeper', loaded, only, (l): EngineDecision => {
          const engine = 'gatekeeper' as const;
          const policy = l.policy;
          if (!WEBHOOK_SUBRESOURCES.has(f.subResource))
            return { engine, policy, outcome: 'satisfied', action: 'skip', skipReason: `subresource ${f.subResource} not sent to Gatekeeper`, violations: [] };
          const pre = batched.get(l.policy);
          if (pre instanceof RegoEvalError) throw pre;
          const r = pre
            ? { status: 'evaluated' as const, violations: violationsOf(pre) }
            : l.program
              ? reviewConstraint(l.program, l.constraint!, review)
              : unmerged(l, ref, refused);
          if (r.status === 'skip')
            return { engine, policy, outcome: 'satisfied', action: 'skip', skipReason: `${MISS_REASON[r.miss]} (${l.constraint!.file})`, violations: [] };
          if (!r.violations.length) return { engine, policy, outcome: 'satisfied', action: 'allow', violations: [] };
          const violations = r.violations.map((v) => {
            const rule = (v.details as { rule?: unknown } | undefined)?.rule;
            return { rule: typeof rule === 'string' ? rule : '', message: v.msg };
          });
          const a = l.action ?? effectiveAction(l.constraint!);
          return {
            engine,
            policy,
            outcome: 'violated',
            action: a.effect,
            actionSource: { file: l.constraint!.file, path: a.path, found: a.found },
            violations,
            evidence: violations.map((v) => `${l.template!.file} violation (rule ${v.rule})`),
          };
        });
      },
    };
  };

export const gatekeeperAdapterFactory: AdapterFactory = createGatekeeperAdapterFactory();
