import type { TargetCompiler } from '../shared/target.js';
import { generatedHeader } from '../shared/header.js';
import { toYaml } from '../shared/yaml.js';
import type { KyvernoManifestEntry } from '../shared/manifest.js';
import { compileClusterPolicy } from './policy.js';

export { KyvernoCompileError } from './errors.js';
export { KYVERNO_MIN_VERSION } from './metadata.js';
export { compileClusterPolicy, type CompiledKyvernoPolicy, type FailureAction, type KyvernoCompileOptions } from './policy.js';
export { checkExpression, predicateExpression } from './jmespath.js';
export { checkPattern } from './check-pattern.js';
export { kyvernoText, jmespathLiteral } from './escape.js';

/** `kyverno/<policy>.yaml`: a kyverno.io/v1 ClusterPolicy with explicit rules per Pod template location. */
export const kyvernoClusterPolicyCompiler: TargetCompiler = {
  id: 'kyverno',
  dir: 'kyverno',
  compile(ir, names) {
    const { policy, ruleNames, failureAction } = compileClusterPolicy(ir, names);
    const file = `kyverno/${names.kyvernoPolicy}.yaml`;
    return {
      files: [{ path: file, content: generatedHeader(ir) + toYaml(policy) }],
      manifest: { file, kind: 'ClusterPolicy', name: names.kyvernoPolicy, rules: ruleNames, failureAction } satisfies KyvernoManifestEntry,
    };
  },
};
