/**
 * Turns a build (in memory or a build directory on disk) into the `LoadedBuild` every adapter
 * and fixture generator reads. A build directory may have been edited by hand, so every read is
 * checked and failures name the file and how to fix it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_LOCK_FILE, MANIFEST_FILE, sha256, type BuildManifest, type BuildResult } from '@podsec/compilers';
import { parsePolicyIR, type PolicyIR } from '@podsec/ir';
import type { LoadedBuild } from './types.js';

export class BuildLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildLoadError';
  }
}

const REBUILD = 'Fix: run `podsec build POLICY_DIR --out DIR` again';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every path a manifest entry names: `{file}` / `{files: [...]}` objects anywhere inside it. */
function filesNamedBy(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) filesNamedBy(v, out);
  else if (isObj(value))
    for (const [k, v] of Object.entries(value)) {
      if (k === 'file' && typeof v === 'string') out.push(v);
      else if (k === 'files' && Array.isArray(v)) out.push(...v.filter((x): x is string => typeof x === 'string'));
      else filesNamedBy(v, out);
    }
  return out;
}

function checkManifest(value: unknown, where: string): BuildManifest {
  if (!isObj(value)) throw new BuildLoadError(`${where}: expected a JSON object. ${REBUILD}.`);
  if (value.version !== 1)
    throw new BuildLoadError(`${where}: .version is ${JSON.stringify(value.version)}, this podsec reads manifest version 1. ${REBUILD}.`);
  if (!Array.isArray(value.policies)) throw new BuildLoadError(`${where}: .policies must be an array. ${REBUILD}.`);
  value.policies.forEach((p, i) => {
    if (!isObj(p) || typeof p.name !== 'string' || !isObj(p.ir) || typeof p.ir.file !== 'string')
      throw new BuildLoadError(`${where}: .policies[${i}] needs a string "name" and "ir": {"file": ...}. ${REBUILD}.`);
  });
  if (value.bundles !== undefined) {
    if (!isObj(value.bundles) || !Object.values(value.bundles).every((m) => Array.isArray(m) && m.every((x) => typeof x === 'string')))
      throw new BuildLoadError(`${where}: .bundles must map bundle names to arrays of policy names. ${REBUILD}.`);
  }
  return value as unknown as BuildManifest;
}

function checkBundles(manifest: BuildManifest, irs: Map<string, PolicyIR>, where: string): void {
  for (const [bundle, members] of Object.entries(manifest.bundles ?? {}))
    members.forEach((m, i) => {
      if (!irs.has(m)) throw new BuildLoadError(`${where}: .bundles.${bundle}[${i}] names policy "${m}", which the manifest does not list. ${REBUILD}.`);
    });
}

function parseIR(text: string, where: string, expectedName: string): PolicyIR {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BuildLoadError(`${where}: not valid JSON (${(e as Error).message}). ${REBUILD}.`);
  }
  let ir: PolicyIR;
  try {
    ir = parsePolicyIR(json, where);
  } catch (e) {
    throw new BuildLoadError(`${(e as Error).message}\n${REBUILD}.`);
  }
  if (ir.name !== expectedName) throw new BuildLoadError(`${where}: .name is "${ir.name}" but the manifest lists it as "${expectedName}". ${REBUILD}.`);
  return ir;
}

/** Reads `manifest.json`, every file it names, and each policy's IR from a build directory. */
export function loadBuildFromDir(dir: string): LoadedBuild {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new BuildLoadError(`${dir}: no such build directory. Fix: pass the --out DIR of \`podsec build\`.`);
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw new BuildLoadError(`${manifestPath}: missing; ${dir} is not a podsec build directory. ${REBUILD}.`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw new BuildLoadError(`${manifestPath}: not valid JSON (${(e as Error).message}). ${REBUILD}.`);
  }
  const manifest = checkManifest(raw, manifestPath);
  const files = new Map<string, string>();
  const irs = new Map<string, PolicyIR>();
  manifest.policies.forEach((p, i) => {
    for (const rel of filesNamedBy(p)) {
      if (files.has(rel)) continue;
      const path = join(dir, rel);
      if (!existsSync(path)) throw new BuildLoadError(`${path}: missing, but ${manifestPath} .policies[${i}] (${p.name}) lists it. ${REBUILD}.`);
      files.set(rel, readFileSync(path, 'utf8'));
    }
    irs.set(p.name, parseIR(files.get(p.ir.file)!, join(dir, p.ir.file), p.name));
  });
  checkBundles(manifest, irs, manifestPath);
  const modified = modifiedFiles(dir, manifest, files);
  if (modified.length && existsSync(join(dir, BUILD_LOCK_FILE)))
    throw new BuildLoadError(
      `${dir}: ${join(dir, BUILD_LOCK_FILE)} is there and ${modified.length} file(s) differ from what ${MANIFEST_FILE} records (${modified.slice(0, 5).join(', ')}${modified.length > 5 ? ', …' : ''}): a build is writing the directory or was interrupted, so it mixes two builds. ${REBUILD}.`,
    );
  return { dir, manifest, irs, files, ...(modified.length ? { modified } : {}) };
}

/** Files whose content is not what the manifest recorded podsec writing (hand edits, or a mixed state). */
function modifiedFiles(dir: string, manifest: BuildManifest, files: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [rel, hash] of Object.entries(manifest.sha256 ?? {})) {
    const path = join(dir, rel);
    const text = files.get(rel) ?? (existsSync(path) && statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined);
    if (text === undefined || sha256(text) !== hash) out.push(rel);
  }
  return out;
}

/** The same view of a build that was just compiled in memory. */
export function loadBuildFromResult(result: BuildResult): LoadedBuild {
  const files = new Map(result.files.map((f) => [f.path, f.content]));
  const irs = new Map<string, PolicyIR>();
  for (const p of result.manifest.policies) {
    const text = files.get(p.ir.file);
    if (text === undefined)
      throw new BuildLoadError(`build result: policy "${p.name}" names IR file ${p.ir.file}, which the build did not produce (a compiler bug).`);
    irs.set(p.name, parseIR(text, `<build>/${p.ir.file}`, p.name));
  }
  checkBundles(result.manifest, irs, '<build>/manifest.json');
  return { manifest: result.manifest, irs, files };
}
