import { generatedHeader } from '../shared/header.js';
import type { TargetCompiler } from '../shared/target.js';
import { toYaml } from '../shared/yaml.js';
import { vpolDocument } from './documents.js';
import type { VpolManifestEntry } from '../shared/manifest.js';

/** Long prose (descriptions, messages) folds as in the Kyverno target; CEL expressions are laid out by formatCel. */
const CEL_YAML_LINE_WIDTH = 150;

export { vpolDocument, VPOL_API_VERSION, type VpolDocument } from './documents.js';

/** `kyverno-vpol/<policy>.yaml`: one Kyverno ValidatingPolicy. */
export const vpolCompiler: TargetCompiler = {
  id: 'kyvernoVpol',
  dir: 'kyverno-vpol',
  compile(ir, names) {
    const { core, policy } = vpolDocument(ir, names);
    const file = `kyverno-vpol/${ir.name}.yaml`;
    return {
      files: [{ path: file, content: generatedHeader(ir) + toYaml(policy, { lineWidth: CEL_YAML_LINE_WIDTH }) }],
      manifest: {
        file,
        kind: 'ValidatingPolicy',
        name: names.kyvernoVpol,
        validationActions: core.validationActions,
        rules: core.ruleIds,
      } satisfies VpolManifestEntry,
    };
  },
};
