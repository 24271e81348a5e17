/**
 * Bounds on one YAML document, checked while it is read so that hostile input (an alias bomb,
 * nesting 10^5 deep, a list of a million items) fails in bounded time and memory with a message
 * naming the limit. Generous for real manifests: the API server refuses a request over 3 MiB.
 */
export interface YamlLimits {
  /** One document (`---` to `---`), in bytes. */
  maxYamlDocumentBytes: number;
  /** Nesting of mappings and sequences (a Pod needs about 12). */
  maxDepth: number;
  /** Items of any one list. */
  maxListItems: number;
  /** Values one document may expand to once aliases (*name) are followed. */
  maxYamlNodes: number;
}

export const DEFAULT_YAML_LIMITS: Readonly<YamlLimits> = {
  maxYamlDocumentBytes: 3 * 1024 * 1024,
  maxDepth: 100,
  maxListItems: 10_000,
  maxYamlNodes: 1_000_000,
};

export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MiB`;
