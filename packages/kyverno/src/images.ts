/**
 * The built-in `images` variable: container images of the resource parsed like Kyverno's
 * pkg/utils/image.GetImageInfo (default registry docker.io, default tag latest).
 */
import { isObject, type JsonObject } from './json.js';

export interface ImageInfo {
  registry?: string;
  name: string;
  path: string;
  tag?: string;
  digest?: string;
  reference?: string;
  referenceWithTag?: string;
}

const DEFAULT_REGISTRY = 'docker.io';

function addDefaultRegistry(image: string): string {
  const i = image.indexOf('/');
  if (i === -1) return `${DEFAULT_REGISTRY}/${image}`;
  const first = image.slice(0, i);
  if (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first) return `${DEFAULT_REGISTRY}/${image}`;
  return image;
}

const PATH_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** distribution/reference.Parse of the image with the default registry prepended; undefined when invalid. */
export function parseImage(image: string): ImageInfo | undefined {
  const full = addDefaultRegistry(image);
  const slash = full.indexOf('/');
  const registry = full.slice(0, slash);
  let rest = full.slice(slash + 1);
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) return undefined;
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) return undefined;
  }
  if (!PATH_RE.test(rest)) return undefined;
  if (!tag && !digest) tag = 'latest';
  const info: ImageInfo = { registry, name: rest.slice(rest.lastIndexOf('/') + 1), path: rest };
  if (tag) info.tag = tag;
  if (digest) info.digest = digest;
  info.referenceWithTag = `${registry}/${rest}:${tag}`;
  info.reference = digest ? `${registry}/${rest}@${digest}` : `${registry}/${rest}:${tag}`;
  return info;
}

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

function podSpecOf(resource: JsonObject): unknown {
  const kind = resource['kind'];
  const spec = resource['spec'];
  if (!isObject(spec)) return undefined;
  if (kind === 'Pod') return spec;
  if (kind === 'CronJob') {
    const jt = spec['jobTemplate'];
    const js = isObject(jt) ? jt['spec'] : undefined;
    const t = isObject(js) ? js['template'] : undefined;
    return isObject(t) ? t['spec'] : undefined;
  }
  const t = spec['template'];
  return isObject(t) ? t['spec'] : undefined;
}

/** `{containers: {<name>: ImageInfo}, initContainers: …, ephemeralContainers: …}` for the resource. */
export function extractImages(resource: unknown): JsonObject {
  const out: JsonObject = {};
  if (!isObject(resource)) return out;
  const spec = podSpecOf(resource);
  if (!isObject(spec)) return out;
  for (const list of CONTAINER_LISTS) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    const byName: JsonObject = {};
    for (const c of containers) {
      if (!isObject(c) || typeof c['image'] !== 'string' || typeof c['name'] !== 'string') continue;
      const info = parseImage(c['image']);
      if (info) byName[c['name']] = info as unknown as JsonObject;
    }
    if (Object.keys(byName).length > 0) out[list] = byName;
  }
  return out;
}
