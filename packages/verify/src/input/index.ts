/** Reading Kubernetes objects as kubectl and the API server do, within INPUT_LIMITS (no engine imports: cheap to load). */
export * from './limits.js';
export { parseKubeYaml, type Json, type YamlDocument } from './yaml.js';
export { normalizeObject } from './normalize.js';
export { readBounded, readInputText } from './read.js';
export { FixtureLoadError } from '../fixtures/errors.js';
