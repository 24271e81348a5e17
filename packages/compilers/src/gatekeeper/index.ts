/**
 * The Gatekeeper target: `gatekeeper/<policy>.yaml` holding a ConstraintTemplate, whose Rego is
 * byte for byte the Rego target's module, and the Constraint that instantiates it.
 */
import type { PolicyIR } from '@podsec/ir';
import { generatedHeader } from '../shared/header.js';
import type { GeneratedNames } from '../shared/names.js';
import type { TargetCompiler, TargetOutput } from '../shared/target.js';
import { toYamlDocuments } from '../shared/yaml.js';
import { compileRegoModule } from '../rego/module.js';
import { ENFORCEMENT_ACTIONS } from '../shared/enforcement.js';
import { annotations } from './metadata.js';
import { gatekeeperMatch } from './match.js';
import type { GatekeeperManifestEntry } from '../shared/manifest.js';

export { gatekeeperMatch, type GatekeeperMatch } from './match.js';

export { ENFORCEMENT_ACTIONS, type EnforcementAction } from '../shared/enforcement.js';

export const GATEKEEPER_TARGET = 'admission.k8s.gatekeeper.sh';

export type { GatekeeperManifestEntry };

export function constraintTemplate(ir: PolicyIR, names: GeneratedNames, rego: string): Record<string, unknown> {
  return {
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: { name: names.gatekeeperTemplate, annotations: annotations(ir) },
    spec: {
      crd: { spec: { names: { kind: names.gatekeeperKind } } },
      targets: [{ target: GATEKEEPER_TARGET, rego }],
    },
  };
}

export function constraint(ir: PolicyIR, names: GeneratedNames): Record<string, unknown> {
  return {
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind: names.gatekeeperKind,
    metadata: { name: names.gatekeeperConstraint, annotations: annotations(ir) },
    spec: { enforcementAction: ENFORCEMENT_ACTIONS[ir.mode], match: gatekeeperMatch(ir) },
  };
}

export const gatekeeperCompiler: TargetCompiler = {
  id: 'gatekeeper',
  dir: 'gatekeeper',
  compile(ir: PolicyIR, names: GeneratedNames): TargetOutput {
    const file = `gatekeeper/${names.policy}.yaml`;
    const rego = compileRegoModule(ir, names);
    const content = generatedHeader(ir) + toYamlDocuments([constraintTemplate(ir, names, rego), constraint(ir, names)]);
    const manifest: GatekeeperManifestEntry = {
      file,
      template: names.gatekeeperTemplate,
      constraintKind: names.gatekeeperKind,
      constraint: names.gatekeeperConstraint,
      enforcementAction: ENFORCEMENT_ACTIONS[ir.mode],
    };
    return { files: [{ path: file, content }], manifest: { ...manifest } };
  },
};
