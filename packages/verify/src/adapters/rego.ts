import { buildWasm, loadRegoPolicy, type RegoPolicy } from '@podsec/rego';
import { gatekeeperInput } from '@podsec/compilers';
import type { AdapterFactory, EngineDecision, EngineViolation, LoadedBuild } from '../types.js';
import { decideEach, policyNames, targetEntry } from './admission.js';

interface Loaded {
  policy: string;
  files: string[];
  entrypoint: string;
  module?: RegoPolicy;
  error?: unknown;
  compiler?: 'opa' | 'podsec';
}

/** Gatekeeper's review input, exactly as the Rego target expects it (one definition, in the compiler). */
export const gatekeeperReview = gatekeeperInput;

function violationsOf(resultSet: { result: unknown }[]): EngineViolation[] {
  const result = resultSet[0]?.result;
  if (!Array.isArray(result)) return [];
  return result.map((v) => {
    const o = (v ?? {}) as { msg?: unknown; details?: { rule?: unknown } };
    return { rule: String(o.details?.rule ?? ''), message: String(o.msg ?? '') };
  });
}

/**
 * Each policy's Rego file compiled to WebAssembly (podsec's compiler, or `opa build` when an opa
 * binary is on PATH / OPA_BIN) and run by the unmodified @open-policy-agent/opa-wasm SDK.
 */
export const regoAdapterFactory: AdapterFactory = async (build: LoadedBuild) => {
  const loaded: Loaded[] = [];
  let opaVersion: string | undefined;
  for (const policy of policyNames(build)) {
    const entry = targetEntry(build, policy, 'rego');
    const { file, entrypoint } = entry;
    try {
      const built = buildWasm([{ path: file, text: build.files.get(file) ?? '' }], { entrypoints: [entrypoint] });
      loaded.push({
        policy,
        files: [file],
        entrypoint,
        module: await loadRegoPolicy(built.wasm, built.hostBuiltins, { memoryPages: built.memoryPages }),
        compiler: built.compiler,
      });
      opaVersion ??= built.opaVersion;
    } catch (error) {
      loaded.push({ policy, files: [file], entrypoint, error });
    }
  }
  return {
    id: 'rego',
    describe: () => {
      const by = [...new Set(loaded.map((l) => l.compiler).filter(Boolean))];
      const names = by.map((c) => (c === 'opa' ? `opa build -t wasm${opaVersion ? ` (${opaVersion})` : ''}` : "podsec's Rego→Wasm compiler"));
      return `Rego compiled to WebAssembly by ${names.join(' and ') || 'nothing (every module failed to compile)'}, run in @open-policy-agent/opa-wasm`;
    },
    evaluate(object, ctx, only) {
      return decideEach('rego', loaded, only, (l): EngineDecision => {
        // A parameterised policy's module reads the instance's values as Gatekeeper would pass them.
        const input = gatekeeperReview(object, ctx, build.irs.get(l.policy)?.values ?? {});
        const violations = violationsOf(l.module!.evaluate(input, l.entrypoint));
        return {
          engine: 'rego',
          policy: l.policy,
          outcome: violations.length ? 'violated' : 'satisfied',
          // A plain Rego module carries no enforcement action; whoever runs it decides.
          ...(violations.length ? {} : { action: 'allow' as const }),
          violations,
          evidence: violations.map((v) => `violation (rule ${v.rule})`),
        };
      });
    },
  };
};
