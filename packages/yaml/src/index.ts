export { parseGoYaml, type GoYamlDocument, type GoYamlOptions } from './read.js';
export { GoYamlError, type Json, type YamlMode } from './resolver.js';
export { DEFAULT_YAML_LIMITS, mib, type YamlLimits } from './limits.js';
export { reindentQuotedContinuations } from './reindent.js';
