/**
 * Limits on what `podsec eval` and `podsec verify --fixtures` read. They are checked before any
 * engine runs, so a hostile or accidental input fails in bounded time and memory with a message
 * naming the limit. Generous for real manifests: the API server itself refuses a request body over
 * 3 MiB, so no object a cluster stores is bigger than MAX_OBJECT_BYTES.
 */
export const INPUT_LIMITS = {
  /** One file (or stdin). A YAML file is composed one document at a time. */
  maxFileBytes: 64 * 1024 * 1024,
  /** One YAML document (`---` to `---`): the API server's request limit. JSON is read natively. */
  maxYamlDocumentBytes: 3 * 1024 * 1024,
  /** One resource, serialised as JSON (the API server's request limit). */
  maxObjectBytes: 3 * 1024 * 1024,
  /** Nesting of mappings and sequences inside one document (a Pod needs about 12). */
  maxDepth: 100,
  /** Items of any one list inside an object (containers, env, volumes…). */
  maxListItems: 10_000,
  /** Resources evaluated in one run, across every file, document and List. */
  maxResources: 10_000,
  /** Nodes one YAML document may expand to once aliases are followed (alias bombs). */
  maxYamlNodes: 1_000_000,
} as const;

export type InputLimits = { -readonly [K in keyof typeof INPUT_LIMITS]: number };

export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MiB`;
