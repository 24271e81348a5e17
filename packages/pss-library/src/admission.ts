/**
 * Pod Security Admission configuration → podsec policies. Reads what a cluster tells PSA (the
 * `PodSecurity` plugin's `PodSecurityConfiguration` in an `AdmissionConfiguration`, and Namespaces'
 * `pod-security.kubernetes.io/*` labels) and returns copies of the PSS bundles with PSA's modes,
 * scopes and exemptions, so the same decisions can be deployed to engines other than PSA.
 *
 * PSA semantics kept (k8s.io/pod-security-admission/admission, api/helpers.go):
 * - each mode (enforce, audit, warn) has its own level and version; unset means privileged/latest;
 * - a namespace label for a mode replaces the cluster default for that mode in that namespace, and
 *   an unset level or version label falls back to the default's;
 * - enforce applies to Pods only; audit and warn also to Pod controllers' templates;
 * - exemptions (usernames, runtimeClasses, namespaces) are cluster-wide and apply to every mode.
 */
import type { Policy } from '@podsec/dsl';
import { pssPolicies, type PssMode } from './controls.js';
import { PSS_LATEST_MINOR, PSS_MIN_MINOR, resolvePssVersion, type PssLevelOrPrivileged } from './versions.js';

export const PSS_MODES: readonly PssMode[] = ['enforce', 'audit', 'warn'];
const LEVELS: readonly PssLevelOrPrivileged[] = ['privileged', 'baseline', 'restricted'];
const CONFIG_API_VERSIONS = ['pod-security.admission.config.k8s.io/v1', 'pod-security.admission.config.k8s.io/v1beta1'];
export const PSS_LABEL_PREFIX = 'pod-security.kubernetes.io/';

export interface PssModeSetting {
  level: PssLevelOrPrivileged;
  /** `latest` or `v1.N`. */
  version: string;
}

export interface PssExemptionList {
  usernames: string[];
  runtimeClasses: string[];
  namespaces: string[];
}

/** Everything PSA decides with, as plain data (what a generated module embeds). */
export interface PssClusterSettings {
  defaults: Record<PssMode, PssModeSetting>;
  exemptions: PssExemptionList;
  /** Namespaces whose labels set at least one mode; modes not listed use the defaults. */
  namespaces: { name: string; modes: Partial<Record<PssMode, PssModeSetting>> }[];
}

export class PssConfigError extends Error {
  override readonly name = 'PssConfigError';
  constructor(
    readonly source: string,
    readonly path: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${source}: ${path || '(document)'}: ${problem}. Fix: ${fix}`);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const PRIVILEGED_LATEST: PssModeSetting = { level: 'privileged', version: 'latest' };

function readLevel(value: unknown, source: string, path: string): PssLevelOrPrivileged {
  if (typeof value === 'string' && (LEVELS as readonly string[]).includes(value)) return value as PssLevelOrPrivileged;
  throw new PssConfigError(source, path, `unknown Pod Security level ${JSON.stringify(value)}`, `use one of ${LEVELS.join(', ')}`);
}

const VERSION_FORMAT = /^v1\.(0|[1-9][0-9]*)$/;

/** A privileged level runs no checks, so any version PSA accepts will do; other levels need the library's range. */
function readVersion(value: unknown, level: PssLevelOrPrivileged, source: string, path: string): string {
  const min = level === 'privileged' ? 0 : PSS_MIN_MINOR;
  const m = typeof value === 'string' ? VERSION_FORMAT.exec(value) : null;
  if (value === 'latest' || (m && Number(m[1]) >= min && Number(m[1]) <= PSS_LATEST_MINOR)) return value as string;
  throw new PssConfigError(
    source,
    path,
    `unsupported Pod Security version ${JSON.stringify(value)}${level === 'privileged' ? '' : ` for level ${level}`}`,
    `write "latest" or "v1.<minor>" with minor ${min} … ${PSS_LATEST_MINOR}`,
  );
}

function readStringList(value: unknown, source: string, path: string): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value) && value.every((x) => typeof x === 'string' && x !== '')) return [...value];
  throw new PssConfigError(source, path, 'must be a list of non-empty strings', 'write e.g. [kube-system] or leave it out');
}

/** `defaults:` of a PodSecurityConfiguration; unknown keys are typos PSA would reject, so they are errors. */
function readDefaults(value: unknown, source: string, path: string): Record<PssMode, PssModeSetting> {
  if (value === undefined || value === null) return { enforce: PRIVILEGED_LATEST, audit: PRIVILEGED_LATEST, warn: PRIVILEGED_LATEST };
  if (!isObj(value)) throw new PssConfigError(source, path, 'must be a map', 'write enforce/audit/warn and their -version keys under defaults');
  const known = PSS_MODES.flatMap((m) => [m, `${m}-version`]);
  for (const key of Object.keys(value))
    if (!known.includes(key)) throw new PssConfigError(source, `${path}.${key}`, 'unknown key', `use one of ${known.join(', ')}`);
  const out = {} as Record<PssMode, PssModeSetting>;
  for (const mode of PSS_MODES) {
    const level = value[mode] === undefined ? 'privileged' : readLevel(value[mode], source, `${path}.${mode}`);
    const version = value[`${mode}-version`] === undefined ? 'latest' : readVersion(value[`${mode}-version`], level, source, `${path}.${mode}-version`);
    out[mode] = { level, version };
  }
  return out;
}

function readPodSecurityConfiguration(cfg: unknown, source: string, path: string): Pick<PssClusterSettings, 'defaults' | 'exemptions'> {
  if (!isObj(cfg))
    throw new PssConfigError(source, path, 'must be an inline PodSecurityConfiguration', 'put the configuration under the plugin\'s "configuration:" key');
  if (cfg.kind !== 'PodSecurityConfiguration')
    throw new PssConfigError(
      source,
      `${path}.kind`,
      `expected kind PodSecurityConfiguration, got ${JSON.stringify(cfg.kind)}`,
      'set kind: PodSecurityConfiguration',
    );
  if (!CONFIG_API_VERSIONS.includes(String(cfg.apiVersion)))
    throw new PssConfigError(
      source,
      `${path}.apiVersion`,
      `unsupported apiVersion ${JSON.stringify(cfg.apiVersion)}`,
      `use ${CONFIG_API_VERSIONS.join(' or ')}`,
    );
  const ex = cfg.exemptions;
  if (ex !== undefined && ex !== null && !isObj(ex))
    throw new PssConfigError(source, `${path}.exemptions`, 'must be a map', 'write usernames, runtimeClasses and namespaces lists under exemptions');
  const exemptions: PssExemptionList = {
    usernames: readStringList(isObj(ex) ? ex.usernames : undefined, source, `${path}.exemptions.usernames`),
    runtimeClasses: readStringList(isObj(ex) ? ex.runtimeClasses : undefined, source, `${path}.exemptions.runtimeClasses`),
    namespaces: readStringList(isObj(ex) ? ex.namespaces : undefined, source, `${path}.exemptions.namespaces`),
  };
  return { defaults: readDefaults(cfg.defaults, source, `${path}.defaults`), exemptions };
}

/**
 * Reads an `apiserver.config.k8s.io/v1` AdmissionConfiguration (or a bare PodSecurityConfiguration)
 * into cluster settings. Throws a PssConfigError naming `source`, the path and the fix.
 */
export function readAdmissionConfiguration(doc: unknown, source = 'admission configuration'): Pick<PssClusterSettings, 'defaults' | 'exemptions'> {
  if (isObj(doc) && doc.kind === 'PodSecurityConfiguration') return readPodSecurityConfiguration(doc, source, '');
  if (!isObj(doc) || doc.kind !== 'AdmissionConfiguration')
    throw new PssConfigError(
      source,
      'kind',
      `expected kind AdmissionConfiguration, got ${JSON.stringify(isObj(doc) ? doc.kind : doc)}`,
      'pass the file given to kube-apiserver --admission-control-config-file',
    );
  if (doc.apiVersion !== 'apiserver.config.k8s.io/v1')
    throw new PssConfigError(source, 'apiVersion', `unsupported apiVersion ${JSON.stringify(doc.apiVersion)}`, 'use apiserver.config.k8s.io/v1');
  if (!Array.isArray(doc.plugins))
    throw new PssConfigError(source, 'plugins', 'must be a list of admission plugins', 'add a plugins list with the PodSecurity plugin');
  const index = doc.plugins.findIndex((p) => isObj(p) && p.name === 'PodSecurity');
  if (index < 0) throw new PssConfigError(source, 'plugins', 'no plugin named PodSecurity', 'add `- name: PodSecurity` with an inline configuration');
  const plugin = doc.plugins[index] as Obj;
  const path = `plugins[${index}]`;
  if (plugin.configuration === undefined && plugin.path !== undefined)
    throw new PssConfigError(
      source,
      `${path}.path`,
      'a configuration read from another file is not supported',
      `inline that file's PodSecurityConfiguration under ${path}.configuration`,
    );
  return readPodSecurityConfiguration(plugin.configuration, source, `${path}.configuration`);
}

/** The Namespace objects of a parsed file: one Namespace, a List, or an array of either. */
function namespaceObjects(input: unknown): { ns: Obj; path: string }[] {
  const docs = Array.isArray(input) ? input : [input];
  return docs.flatMap((doc, i) => {
    const base = Array.isArray(input) ? `[${i}]` : '';
    if (isObj(doc) && doc.kind === 'List' && Array.isArray(doc.items)) return doc.items.map((ns, j) => ({ ns: ns as Obj, path: `${base}items[${j}]` }));
    return [{ ns: doc as Obj, path: base }];
  });
}

/** Reads Namespaces' `pod-security.kubernetes.io/<mode>[-version]` labels (modes left unlabelled are omitted). */
export function readNamespaceLabels(input: unknown, defaults: Record<PssMode, PssModeSetting>, source = 'namespaces'): PssClusterSettings['namespaces'] {
  const seen = new Set<string>();
  const out: PssClusterSettings['namespaces'] = [];
  for (const { ns, path } of namespaceObjects(input)) {
    const at = (p: string) => (path ? `${path}.${p}` : p);
    if (!isObj(ns) || ns.kind !== 'Namespace')
      throw new PssConfigError(
        source,
        at('kind'),
        `expected kind Namespace, got ${JSON.stringify(isObj(ns) ? ns.kind : ns)}`,
        'pass Namespace objects (e.g. kubectl get ns -o yaml)',
      );
    const meta = isObj(ns.metadata) ? ns.metadata : {};
    const name = meta.name;
    if (typeof name !== 'string' || name === '') throw new PssConfigError(source, at('metadata.name'), 'missing', 'give the Namespace a name');
    if (seen.has(name)) throw new PssConfigError(source, at('metadata.name'), `namespace ${name} appears twice`, 'list each Namespace once');
    seen.add(name);
    const labels = isObj(meta.labels) ? meta.labels : {};
    const modes: Partial<Record<PssMode, PssModeSetting>> = {};
    for (const mode of PSS_MODES) {
      const levelKey = `${PSS_LABEL_PREFIX}${mode}`;
      const versionKey = `${levelKey}-version`;
      if (labels[levelKey] === undefined && labels[versionKey] === undefined) continue;
      const level = labels[levelKey] === undefined ? defaults[mode].level : readLevel(labels[levelKey], source, at(`metadata.labels["${levelKey}"]`));
      const version =
        labels[versionKey] === undefined ? defaults[mode].version : readVersion(labels[versionKey], level, source, at(`metadata.labels["${versionKey}"]`));
      modes[mode] = { level, version };
    }
    if (Object.keys(modes).length) out.push({ name, modes });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Privileged runs nothing at any version; other levels are the same when their versions resolve alike. */
const sameSetting = (a: PssModeSetting, b: PssModeSetting) =>
  a.level === b.level && (a.level === 'privileged' || resolvePssVersion(a.version).minor === resolvePssVersion(b.version).minor);

/**
 * Object names: `<mode>-<level>[-1-<minor>]-<control>`, e.g. `enforce-baseline-host-namespaces`,
 * `audit-restricted-1-29-sysctls`. The version appears only when pinned, so `latest` copies keep
 * their names across upgrades; the longest possible name is 50 characters, the DSL's limit.
 */
function namePrefix(mode: PssMode, setting: PssModeSetting): string {
  const pinned = setting.version === 'latest' ? '' : `-${setting.version.replace(/^v/, '').replace('.', '-')}`;
  return `${mode}-${setting.level}${pinned}-`;
}

function copiesFor(mode: PssMode, setting: PssModeSetting, exemptions: PssExemptionList, namespaces: { include?: string[]; exclude?: string[] }): Policy[] {
  if (setting.level === 'privileged') return [];
  const prefix = namePrefix(mode, setting);
  return pssPolicies({
    version: setting.version,
    level: setting.level,
    mode,
    exemptions,
    namePrefix: prefix,
    // PSA enforce admits controllers and checks the Pods they create; audit and warn also look at templates.
    match: { ...(mode === 'enforce' ? { kinds: ['Pod'] } : {}), namespaces },
  });
}

/**
 * The policies PSA's decisions amount to: per mode, one copy of the default level's bundle for
 * every namespace not labelled otherwise, and one per distinct (level, version) that namespace
 * labels set, scoped to those namespaces.
 */
export function pssFromSettings(settings: PssClusterSettings, source = 'pssFromSettings'): Policy[] {
  // The settings usually come from a generated module, which a person may still edit by hand.
  const check = (s: PssModeSetting, path: string) => readVersion(s.version, readLevel(s.level, source, `${path}.level`), source, `${path}.version`);
  for (const mode of PSS_MODES) check(settings.defaults[mode], `defaults.${mode}`);
  settings.namespaces.forEach((ns, i) => PSS_MODES.forEach((mode) => ns.modes[mode] && check(ns.modes[mode]!, `namespaces[${i}].modes.${mode}`)));
  const out: Policy[] = [];
  for (const mode of PSS_MODES) {
    const groups = new Map<string, { setting: PssModeSetting; names: string[] }>();
    const excluded: string[] = [];
    for (const ns of settings.namespaces) {
      const setting = ns.modes[mode];
      if (!setting || sameSetting(setting, settings.defaults[mode])) continue;
      excluded.push(ns.name);
      const key = namePrefix(mode, setting);
      const group = groups.get(key) ?? { setting, names: [] };
      group.names.push(ns.name);
      groups.set(key, group);
    }
    out.push(...copiesFor(mode, settings.defaults[mode], settings.exemptions, { exclude: excluded }));
    for (const { setting, names } of groups.values()) out.push(...copiesFor(mode, setting, settings.exemptions, { include: names }));
  }
  return out;
}

/** Policies for an AdmissionConfiguration's PodSecurity defaults and exemptions (every namespace). */
export function pssFromAdmissionConfiguration(doc: unknown, options: { source?: string; namespaces?: unknown; namespacesSource?: string } = {}): Policy[] {
  const { defaults, exemptions } = readAdmissionConfiguration(doc, options.source);
  const namespaces = options.namespaces === undefined ? [] : readNamespaceLabels(options.namespaces, defaults, options.namespacesSource);
  return pssFromSettings({ defaults, exemptions, namespaces });
}

/**
 * Policies for Namespaces' PSA labels alone, each scoped to the namespaces that set it
 * (`match.namespaces.include`); unlabelled modes and namespaces produce nothing.
 */
export function pssFromNamespaceLabels(namespaces: unknown, options: { source?: string; exemptions?: Partial<PssExemptionList> } = {}): Policy[] {
  const defaults = { enforce: PRIVILEGED_LATEST, audit: PRIVILEGED_LATEST, warn: PRIVILEGED_LATEST };
  const exemptions = { usernames: [], runtimeClasses: [], namespaces: [], ...options.exemptions };
  return pssFromSettings({ defaults, exemptions, namespaces: readNamespaceLabels(namespaces, defaults, options.source) });
}
