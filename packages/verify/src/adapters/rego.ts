import {
  buildWasm,
  loadRegoBatch,
  loadRegoPolicy,
  RegoEvalError,
  type BatchCall,
  type BatchConstant,
  type RegoBatch,
  type RegoPolicy,
  type ResultSet,
} from '@podsec/rego';
import { gatekeeperInput } from '@podsec/compilers';
import type { AdapterFactory, EngineDecision, EngineViolation, LoadedBuild } from '../types.js';
import { decideEach, policyNames, targetEntry, wantedOf } from './admission.js';
import { buildWasmFor } from '../prebuilt.js';
import { mergeable, refusal, tryBatch } from './merge.js';

/** Where each call puts its policy's parameters (one array: the batch caches its parsed path by identity). */
const PARAMETERS: readonly string[] = ['parameters'];

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
 * Every policy in one module, one entrypoint each, so an object is serialised and parsed once for
 * all of them. Only when merging cannot change a decision: every file declares its own package and
 * none reads `data` (in one module it would see the other policies' rules). Otherwise, or when the
 * merged module fails to build, each policy keeps its own module.
 */
const valuesOf = (build: LoadedBuild, policy: string): Readonly<Record<string, unknown>> => build.irs.get(policy)?.values ?? {};

async function batchOf(
  build: LoadedBuild,
  loaded: Loaded[],
): Promise<{ batch: RegoBatch; parameters: Map<string, BatchConstant>; compiler: 'opa' | 'podsec'; opaVersion?: string } | undefined> {
  if (loaded.length < 2) return undefined;
  const texts = loaded.map((l) => build.files.get(l.files[0]!) ?? '');
  if (!mergeable(texts)) return undefined;
  try {
    const built = await buildWasmFor(
      build,
      'rego',
      loaded.map((l, i) => ({ path: l.files[0]!, text: texts[i]! })),
      { entrypoints: loaded.map((l) => l.entrypoint) },
    );
    const batch = await loadRegoBatch(built.wasm, built.hostBuiltins, { memoryPages: built.memoryPages });
    const parameters = new Map(loaded.map((l) => [l.policy, batch.constant(valuesOf(build, l.policy))] as const));
    return { batch, parameters, compiler: built.compiler, ...(built.opaVersion ? { opaVersion: built.opaVersion } : {}) };
  } catch {
    return undefined;
  }
}

/** Each call sets its policy's parameter values on the shared input, as Gatekeeper passes them. */
function callsOf(ls: readonly Loaded[], parameters: ReadonlyMap<string, BatchConstant>): BatchCall[] {
  return ls.map((l) => ({ entrypoint: l.entrypoint, set: { path: PARAMETERS, value: parameters.get(l.policy)! } }));
}

/**
 * Each policy's Rego file compiled to WebAssembly (podsec's compiler, or `opa build` when an opa
 * binary is on PATH / OPA_BIN) and run by the unmodified @open-policy-agent/opa-wasm SDK.
 */
export interface RegoAdapterOptions {
  /** One module for every policy when that cannot change a decision (default); false: one module each. */
  merge?: boolean;
}

export const createRegoAdapterFactory =
  (options: RegoAdapterOptions = {}): AdapterFactory =>
  async (build: LoadedBuild) => {
    const loaded: Loaded[] = policyNames(build).map((policy) => {
      const { file, entrypoint } = targetEntry(build, policy, 'rego');
      return { policy, files: [file], entrypoint };
    });
    // With the merged module, one module per policy would only sit in memory (≈0.5 MB of Wasm
    // each, per thread) and cost a compile at load: they are built only when there is no merge. A
    // source that does not compile fails the merged build, so it still gets its own error below.
    const merged = options.merge === false ? undefined : await batchOf(build, loaded);
    let opaVersion = merged?.opaVersion;
    for (const l of loaded) {
      if (merged) {
        l.compiler = merged.compiler;
        continue;
      }
      const file = l.files[0]!;
      try {
        const built = buildWasm([{ path: file, text: build.files.get(file) ?? '' }], { entrypoints: [l.entrypoint] });
        l.module = await loadRegoPolicy(built.wasm, built.hostBuiltins, { memoryPages: built.memoryPages });
        l.compiler = built.compiler;
        opaVersion ??= built.opaVersion;
      } catch (error) {
        l.error = error;
      }
    }
    // The calls for every policy, the same on every object verify asks about (the batch reads them, never changes them).
    let everyCall: BatchCall[] | undefined;
    return {
      id: 'rego',
      // Each violation's msg is the rule's message naming its offending containers (violationMessage).
      comparesMessages: true,
      describe: () => {
        const by = [...new Set(loaded.map((l) => l.compiler).filter(Boolean))];
        const names = by.map((c) => (c === 'opa' ? `opa build -t wasm${opaVersion ? ` (${opaVersion})` : ''}` : "podsec's Rego→Wasm compiler"));
        const how = merged ? ' (every policy in one module, each object parsed once)' : '';
        return `Rego compiled to WebAssembly by ${names.join(' and ') || 'nothing (every module failed to compile)'}, run in @open-policy-agent/opa-wasm${how}`;
      },
      evaluate(object, ctx, only) {
        const results = new Map<string, ResultSet | RegoEvalError>();
        let refused: unknown;
        if (merged) {
          const wanted = wantedOf(loaded, only);
          const calls = wanted === loaded ? (everyCall ??= callsOf(loaded, merged.parameters)) : callsOf(wanted, merged.parameters);
          // An input the batch cannot take at all (not JSON) is an error for each policy below.
          const rs = tryBatch(
            () => merged.batch.evaluate({ ...gatekeeperReview(object, ctx), parameters: null }, calls),
            (e) => (refused = e),
          );
          wanted.forEach((l, i) => rs[i] && results.set(l.policy, rs[i]));
        }
        return decideEach('rego', loaded, only, (l): EngineDecision => {
          const pre = results.get(l.policy);
          if (!pre && !l.module) throw refusal(refused);
          // A parameterised policy's module reads the instance's values as Gatekeeper would pass them.
          const r = pre ?? l.module!.evaluate(gatekeeperReview(object, ctx, valuesOf(build, l.policy)), l.entrypoint);
          if (r instanceof RegoEvalError) throw r;
          const violations = violationsOf(r);
          // A plain Rego module carries no enforcement action; whoever runs it decides. (Literals,
          // not spreads: a spread costs microseconds per decision on Node 20.)
          if (!violations.length) return { engine: 'rego', policy: l.policy, outcome: 'satisfied', action: 'allow', violations, evidence: [] };
          return { engine: 'rego', policy: l.policy, outcome: 'violated', violations, evidence: violations.map((v) => `violation (rule ${v.rule})`) };
        });
      },
    };
  };

export const regoAdapterFactory: AdapterFactory = createRegoAdapterFactory();
