import {
  compileTemplate,
  effectiveAction,
  parseConstraint,
  parseConstraintTemplate,
  reviewConstraint,
  type ConstraintSource,
  type TemplateProgram,
} from '@podsec/gatekeeper';
import type { AdmissionContext } from '@podsec/ir';
import type { AdapterFactory, EngineDecision, LoadedBuild } from '../types.js';
import { admissionFacts, decideEach, namespaceObject, policyNames, targetEntry, userInfoOf, yamlDocuments, type AdmissionFacts } from './admission.js';

interface Loaded {
  policy: string;
  files?: string[];
  program?: TemplateProgram;
  constraint?: ConstraintSource;
  error?: unknown;
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
    effectiveAction(constraint); // an unknown action fails the load, naming the field
    return { policy, files, program: await compileTemplate(template), constraint };
  } catch (error) {
    return { policy, ...(files ? { files } : {}), error };
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

/** The ConstraintTemplate's Rego, gated by the Constraint's match and acted on per its enforcementAction. */
export const gatekeeperAdapterFactory: AdapterFactory = async (build: LoadedBuild) => {
  const loaded: Loaded[] = [];
  for (const policy of policyNames(build)) loaded.push(await load(build, policy));
  return {
    id: 'gatekeeper',
    describe: () => "ConstraintTemplate Rego (compiled to Wasm) behind the Constraint's match, parameters and enforcementAction",
    evaluate(object, ctx: AdmissionContext, only) {
      const f = admissionFacts(object, ctx);
      const review = gatekeeperAdmissionReview(f);
      return decideEach('gatekeeper', loaded, only, (l): EngineDecision => {
        const base = { engine: 'gatekeeper' as const, policy: l.policy };
        if (!WEBHOOK_SUBRESOURCES.has(f.subResource))
          return { ...base, outcome: 'satisfied', action: 'skip', skipReason: `subresource ${f.subResource} not sent to Gatekeeper`, violations: [] };
        const r = reviewConstraint(l.program!, l.constraint!, review);
        if (r.status === 'skip')
          return { ...base, outcome: 'satisfied', action: 'skip', skipReason: `${MISS_REASON[r.miss]} (${l.constraint!.file})`, violations: [] };
        const violations = r.violations.map((v) => {
          const rule = (v.details as { rule?: unknown } | undefined)?.rule;
          return { rule: typeof rule === 'string' ? rule : '', message: v.msg };
        });
        if (!violations.length) return { ...base, outcome: 'satisfied', action: 'allow', violations };
        const a = effectiveAction(l.constraint!);
        return {
          ...base,
          outcome: 'violated',
          action: a.effect,
          actionSource: { file: l.constraint!.file, path: a.path, found: a.found },
          violations,
          evidence: violations.map((v) => `${l.program!.template.file} violation (rule ${v.rule})`),
        };
      });
    },
  };
};
