/** Turns (object, admission context) into what each engine's request looks like. */
import { POD_KINDS, readPath, type AdmissionContext, type Mode } from '@podsec/ir';
import { parseAllDocuments } from 'yaml';
import type { AdmissionAction, EngineDecision, EngineId, LoadedBuild } from '../types.js';
import type { ManifestEntries, ManifestTarget } from '@podsec/compilers';

type Obj = Record<string, unknown>;

export interface AdmissionFacts {
  operation: 'CREATE' | 'UPDATE';
  object: Obj;
  namespace: string;
  name: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  username?: string;
  groups?: readonly string[];
  /** '' for the resource itself, e.g. `ephemeralcontainers` for `pods/ephemeralcontainers`. */
  subResource: string;
  /** UPDATE only: the stored object (the new object itself when the request gave none). */
  oldObject: Obj | null;
  namespaceLabels: Record<string, string>;
}

export function admissionFacts(object: unknown, ctx: AdmissionContext): AdmissionFacts {
  const obj = (typeof object === 'object' && object !== null ? object : {}) as Obj;
  const kindName = String(readPath(obj, ['kind']) ?? '');
  const apiVersion = String(readPath(obj, ['apiVersion']) ?? 'v1');
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/', 2) as [string, string]) : ['', apiVersion];
  const known = POD_KINDS.find((k) => k.kind === kindName);
  const ns = ctx.namespace ?? (readPath(obj, ['metadata', 'namespace']) as string | undefined) ?? 'default';
  const operation = ctx.operation ?? 'CREATE';
  const old = ctx.oldObject;
  return {
    operation,
    object: obj,
    namespace: ns,
    name: String(readPath(obj, ['metadata', 'name']) ?? ''),
    kind: { group, version, kind: kindName },
    resource: { group, version, resource: known?.resource ?? `${kindName.toLowerCase()}s` },
    ...(ctx.username !== undefined ? { username: ctx.username } : {}),
    ...(ctx.groups !== undefined ? { groups: ctx.groups } : {}),
    subResource: ctx.subResource ?? '',
    oldObject: operation === 'UPDATE' ? (typeof old === 'object' && old !== null ? (old as Obj) : obj) : null,
    namespaceLabels: ctx.namespaceLabels ?? { 'kubernetes.io/metadata.name': ns },
  };
}

/** `userInfo` of the request, as the API server sends it. */
export const userInfoOf = (f: AdmissionFacts): { username?: string; groups?: string[] } => ({
  ...(f.username !== undefined ? { username: f.username } : {}),
  ...(f.groups !== undefined ? { groups: [...f.groups] } : {}),
});

/** The namespace object CEL's `namespaceObject` and Kyverno's namespaceSelector see. */
export const namespaceObject = (f: AdmissionFacts): Obj => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: f.namespace, labels: f.namespaceLabels },
});

/** A file's documents, or why it has none: parsing is done once per build and thread. */
export type ParsedYaml = { docs: Obj[] } | { error: string };
/** Per build and file: the text that was parsed, so a file edited in place afterwards is parsed again. */
const parsedYaml = new WeakMap<LoadedBuild, Map<string, { text: string; parsed: ParsedYaml }>>();

function parseYamlFile(text: string, path: string): ParsedYaml {
  const docs: Obj[] = [];
  for (const d of parseAllDocuments(text)) {
    if (d.errors.length) return { error: `${path}: invalid YAML: ${d.errors[0]!.message}` };
    const v = d.toJS() as unknown;
    if (typeof v === 'object' && v !== null) docs.push(v as Obj);
  }
  return { docs };
}

function cacheOf(build: LoadedBuild): Map<string, { text: string; parsed: ParsedYaml }> {
  let files = parsedYaml.get(build);
  if (!files) parsedYaml.set(build, (files = new Map()));
  return files;
}

/** A YAML file of the build, parsed on first use (per build and thread). */
export function parsedOf(build: LoadedBuild, path: string): ParsedYaml {
  const text = build.files.get(path);
  if (text === undefined) throw new Error(`${path}: listed in manifest.json but missing from the build. Fix: rebuild with \`podsec build\`.`);
  const files = cacheOf(build);
  let entry = files.get(path);
  if (entry?.text !== text) files.set(path, (entry = { text, parsed: parseYamlFile(text, path) }));
  return entry.parsed;
}

/**
 * YAML documents of a generated file (the header comment is not a document). Parsed once per build
 * (at scale, parsing is most of loading the engines); each caller gets its own copy to keep.
 */
export function yamlDocuments(build: LoadedBuild, path: string): Obj[] {
  const parsed = parsedOf(build, path);
  if ('error' in parsed) throw new Error(parsed.error);
  return structuredClone(parsed.docs);
}

/** The build's YAML files, in the build's order (the same on every thread). */
export function yamlFilesOf(build: LoadedBuild): string[] {
  return [...build.files.keys()].filter((f) => f.endsWith('.yaml'));
}

/** Every YAML file of the build parsed, for another thread to start from (seedYaml) instead of parsing again. */
export function parsedYamlOf(build: LoadedBuild): [string, ParsedYaml][] {
  return yamlFilesOf(build).map((f) => [f, parsedOf(build, f)]);
}

/** Takes another thread's parsedYamlOf for this build: the files whose text is this build's are not parsed again. */
export function seedYaml(build: LoadedBuild, parsed: readonly (readonly [string, ParsedYaml])[]): void {
  const files = cacheOf(build);
  for (const [path, p] of parsed) {
    const text = build.files.get(path);
    if (text !== undefined) files.set(path, { text, parsed: p });
  }
}

/** Drops the parsed documents of `build` once its engines are loaded: they are only read while loading. */
export function forgetYaml(build: LoadedBuild): void {
  parsedYaml.delete(build);
}

/** The manifest entry of one target for one policy, with the type the target's compiler wrote it with. */
/** Where each target's manifest entry names the files it wrote (Gatekeeper writes two). */
const ENTRY_FILES: { readonly [T in ManifestTarget]: readonly (readonly string[])[] } = {
  rego: [['file']],
  gatekeeper: [
    ['template', 'file'],
    ['constraint', 'file'],
  ],
  kyverno: [['file']],
  kyvernoVpol: [['file']],
  vap: [['file']],
};

export function targetEntry<T extends ManifestTarget>(build: LoadedBuild, policy: string, target: T): ManifestEntries[T] {
  const p = build.manifest.policies.find((x) => x.name === policy);
  const entry = p?.[target];
  if (!entry || typeof entry !== 'object') throw new Error(`manifest.json: policy "${policy}" has no "${target}" entry. Fix: rebuild with \`podsec build\`.`);
  for (const path of ENTRY_FILES[target]) {
    const file = path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), entry);
    if (typeof file !== 'string')
      throw new Error(
        `manifest.json: policies["${policy}"].${target}.${path.join('.')} is not a string. Fix: rebuild with \`podsec build\` (older builds differ, e.g. one Gatekeeper file).`,
      );
  }
  return entry as ManifestEntries[T];
}

export const policyNames = (build: LoadedBuild, only?: readonly string[]) =>
  build.manifest.policies.map((p) => p.name).filter((n) => !only || only.includes(n));

/** What a policy's mode says a violation must do. */
export const MODE_ACTION: Readonly<Record<Mode, AdmissionAction>> = { enforce: 'deny', audit: 'audit', warn: 'warn' };

/** A decision for a policy whose artifact could not even be loaded: every object errors. */
export const loadFailure = (engine: EngineId, policy: string, e: unknown): EngineDecision => ({
  engine,
  policy,
  outcome: 'error',
  violations: [],
  error: e instanceof Error ? e.message : String(e),
});

/**
 * The loaded policies `only` names (all when absent), in load order. verify asks for every policy,
 * in the build's order, on most objects: then there is no search per policy.
 */
export function wantedOf<L extends { policy: string }>(loaded: readonly L[], only: readonly string[] | undefined): readonly L[] {
  if (!only || (only.length === loaded.length && loaded.every((l, i) => only[i] === l.policy))) return loaded;
  return loaded.filter((l) => only.includes(l.policy));
}

/**
 * Runs `decide` for each loaded policy the caller asked for; a policy whose artifact failed to
 * load, or whose evaluation throws, becomes an `error` decision rather than a crash.
 */
export function decideEach<L extends { policy: string; error?: unknown; files?: readonly string[] }>(
  engine: EngineId,
  loaded: readonly L[],
  only: readonly string[] | undefined,
  decide: (l: L) => EngineDecision,
): EngineDecision[] {
  const out: EngineDecision[] = [];
  for (const l of wantedOf(loaded, only)) {
    let d: EngineDecision;
    if (l.error !== undefined) d = loadFailure(engine, l.policy, l.error);
    else {
      try {
        d = decide(l);
      } catch (e) {
        d = loadFailure(engine, l.policy, e);
      }
    }
    // Set on the decision just made, to the policy's own (read-only) list: no copy of either per
    // decision, which verify makes millions of. The key lands where a spread would put it.
    if (l.files?.length) d.files = l.files as string[];
    out.push(d);
  }
  return out;
}
