/**
 * The Rego target: one module per policy at `rego/<policy>.rego`, entrypoint
 * `<package path>/violation`, reading Gatekeeper's input shape (see input.ts).
 */
import type { GeneratedNames } from '../shared/names.js';
import type { TargetCompiler, TargetOutput } from '../shared/target.js';
import type { PolicyIR } from '@podsec/ir';
import { compileRegoModule } from './module.js';

export { compileRegoModule } from './module.js';
export { gatekeeperInput, type GatekeeperInput } from './input.js';
export { RegoTargetError } from './errors.js';

import type { RegoManifestEntry } from '../shared/manifest.js';

export type { RegoManifestEntry };

export const regoCompiler: TargetCompiler = {
  id: 'rego',
  dir: 'rego',
  compile(ir: PolicyIR, names: GeneratedNames): TargetOutput {
    const file = `rego/${names.policy}.rego`;
    const manifest: RegoManifestEntry = { file, package: names.regoPackage, entrypoint: names.regoEntrypoint, input: 'gatekeeper' };
    return { files: [{ path: file, content: compileRegoModule(ir, names) }], manifest: { ...manifest } };
  },
};
