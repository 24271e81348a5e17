/**
 * Limits on what `podsec eval` and `podsec verify --fixtures` read. They are checked before any
 * engine runs, so a hostile or accidental input fails in bounded time and memory with a message
 * naming the limit. Generous for real manifests: the API server itself refuses a request body over
 * 3 MiB, so no object a cluster stores is bigger than maxObjectBytes. The limits on one YAML
 * document (size, nesting, list items, values after aliases) are the YAML reader's own.
 */
import { DEFAULT_YAML_LIMITS, mib, type YamlLimits } from '@podsec/yaml';

export interface InputLimits extends YamlLimits {
  /** One file (or stdin). A YAML file is composed one document at a time. */
  maxFileBytes: number;
  /** One resource, serialised as JSON (the API server's request limit). */
  maxObjectBytes: number;
  /** Resources evaluated in one run, across every file, document and List. */
  maxResources: number;
}

export const INPUT_LIMITS: Readonly<InputLimits> = {
  maxFileBytes: 64 * 1024 * 1024,
  ...DEFAULT_YAML_LIMITS,
  maxObjectBytes: 3 * 1024 * 1024,
  maxResources: 10_000,
};

export { mib };
