/**
 * The Gatekeeper target: the ConstraintTemplate (the Rego target's module, its generic helpers
 * moved to the template's `libs` as `package lib.podsec`, the way gatekeeper-library shares code
 * between templates) and the Constraint that instantiates it, in two files. A Constraint's CRD exists only
 * once its template is admitted, so one `kubectl apply` of both fails the first time:
 * `gatekeeper/templates/` is applied first, then `gatekeeper/constraints/`.
 */
import type { PolicyIR } from '@podsec/ir';
import { Scalar } from 'yaml';
import { generatedHeader } from '../shared/header.js';
import { generatedNames, type GeneratedNames } from '../shared/names.js';
import type { TargetCompiler, TargetOutput } from '../shared/target.js';
import { toYamlDocuments } from '../shared/yaml.js';
import { compileRegoSources, type RegoSources } from '../rego/module.js';
import { ENFORCEMENT_ACTIONS } from '../shared/enforcement.js';
import { annotations } from './metadata.js';
import { gatekeeperMatch } from './match.js';
import type { GatekeeperManifestEntry } from '../shared/manifest.js';
import { parametersSchema } from './parameters.js';

export { gatekeeperMatch, type GatekeeperMatch } from './match.js';

export { ENFORCEMENT_ACTIONS, type EnforcementAction } from '../shared/enforcement.js';

export const GATEKEEPER_TARGET = 'admission.k8s.gatekeeper.sh';

/** Where each object goes, relative to the build directory (apply order: templates, then constraints). */
export const GATEKEEPER_DIRS = { template: 'gatekeeper/templates', constraint: 'gatekeeper/constraints' } as const;

/**
 * Argo CD applies lower waves first and waits for them to be healthy; the constraint also needs
 * its dry run skipped, as its kind does not exist until the template's CRD is created.
 */
const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
const TEMPLATE_GITOPS = { [SYNC_WAVE]: '0' };
const CONSTRAINT_GITOPS = { [SYNC_WAVE]: '1', 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' };

export type { GatekeeperManifestEntry };

/** Long prose (descriptions) folds as gatekeeper-library writes it, within the 160-column limit. */
const YAML_LINE_WIDTH = 120;

/** Rego as a literal block (`|`): folding would change the code, and a literal keeps every line as written. */
function literal(text: string): Scalar {
  const s = new Scalar(text);
  s.type = Scalar.BLOCK_LITERAL;
  return s;
}

export function constraintTemplate(ir: PolicyIR, names: GeneratedNames, { module, libs }: RegoSources): Record<string, unknown> {
  return {
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: { name: names.gatekeeperTemplate, annotations: { ...annotations(ir), ...TEMPLATE_GITOPS } },
    spec: {
      crd: {
        spec: {
          names: { kind: names.gatekeeperKind },
          ...(ir.parameters ? { validation: { openAPIV3Schema: parametersSchema(ir.parameters, ir.description) } } : {}),
        },
      },
      targets: [{ target: GATEKEEPER_TARGET, rego: literal(module), ...(libs.length ? { libs: libs.map(literal) } : {}) }],
    },
  };
}

export function constraint(ir: PolicyIR, names: GeneratedNames): Record<string, unknown> {
  return {
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind: names.gatekeeperKind,
    metadata: { name: names.gatekeeperConstraint, annotations: { ...annotations(ir), ...CONSTRAINT_GITOPS } },
    spec: {
      enforcementAction: ENFORCEMENT_ACTIONS[ir.mode],
      match: gatekeeperMatch(ir),
      // The instance's values; the template reads them (defaults applied in its Rego) at run time.
      ...(ir.values && Object.keys(ir.values).length ? { parameters: ir.values } : {}),
    },
  };
}

/**
 * A policy with an explicit constraint kind is one instance of a template (gatekeeper-library's
 * K8sPSP… kinds): as in a cluster, every instance shares one ConstraintTemplate, named after the
 * kind, with one Constraint each. So the template is compiled from what every instance has in
 * common — its name and provenance are the kind's, not the instance's — and is byte-identical for
 * each; `buildPolicies` writes it once, and refuses two policies that define one kind differently.
 */
function sharedTemplate(ir: PolicyIR, names: GeneratedNames): { ir: PolicyIR; names: GeneratedNames } | undefined {
  if (!ir.constraintKind) return undefined;
  const template: PolicyIR = { ...ir, name: names.gatekeeperTemplate, source: `constraint kind ${ir.constraintKind}` };
  return { ir: template, names: generatedNames(template) };
}

export const gatekeeperCompiler: TargetCompiler = {
  id: 'gatekeeper',
  dir: 'gatekeeper',
  compile(ir: PolicyIR, names: GeneratedNames): TargetOutput {
    const shared = sharedTemplate(ir, names);
    const templateFile = `${GATEKEEPER_DIRS.template}/${shared ? names.gatekeeperTemplate : names.policy}.yaml`;
    const constraintFile = `${GATEKEEPER_DIRS.constraint}/${names.policy}.yaml`;
    const t = shared ?? { ir, names };
    // Helpers go to the template's libs (package lib.podsec), as gatekeeper-library shares code.
    const rego = compileRegoSources(t.ir, t.names, 'lib');
    const header = generatedHeader(ir);
    const manifest: GatekeeperManifestEntry = {
      template: { file: templateFile, name: names.gatekeeperTemplate },
      constraint: { file: constraintFile, kind: names.gatekeeperKind, name: names.gatekeeperConstraint, enforcementAction: ENFORCEMENT_ACTIONS[ir.mode] },
    };
    return {
      files: [
        { path: templateFile, content: generatedHeader(t.ir) + toYamlDocuments([constraintTemplate(t.ir, t.names, rego)], { lineWidth: YAML_LINE_WIDTH }) },
        { path: constraintFile, content: header + toYamlDocuments([constraint(ir, names)], { lineWidth: YAML_LINE_WIDTH }) },
      ],
      manifest: { ...manifest },
    };
  },
};
