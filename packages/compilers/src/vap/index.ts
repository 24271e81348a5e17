import { generatedHeader } from '../shared/header.js';
import type { TargetCompiler } from '../shared/target.js';
import { toYamlDocuments } from '../shared/yaml.js';
import { vapDocuments } from './documents.js';
import type { VapManifestEntry } from '../shared/manifest.js';

/** Long prose (descriptions, messages) folds as in the Kyverno target; CEL expressions are laid out by formatCel. */
const CEL_YAML_LINE_WIDTH = 150;

export { vapDocuments, VAP_API_VERSION, type VapDocuments } from './documents.js';

/** `vap/<policy>.yaml`: the ValidatingAdmissionPolicy, then its binding. */
export const vapCompiler: TargetCompiler = {
  id: 'vap',
  dir: 'vap',
  compile(ir, names) {
    const { core, policy, binding } = vapDocuments(ir, names);
    const file = `vap/${ir.name}.yaml`;
    return {
      files: [{ path: file, content: generatedHeader(ir) + toYamlDocuments([policy, binding], { lineWidth: CEL_YAML_LINE_WIDTH }) }],
      manifest: {
        file,
        policy: names.vapPolicy,
        binding: names.vapBinding,
        validationActions: core.validationActions,
        rules: core.ruleIds,
      } satisfies VapManifestEntry,
    };
  },
};
