export * from './shared/names.js';
export * from './shared/output.js';
export * from './shared/target.js';
export * from './shared/header.js';
export * from './shared/yaml.js';
export * from './build.js';
export { TARGETS } from './targets.js';
export { gatekeeperInput, type GatekeeperInput } from './rego/input.js';
export * from './shared/annotations.js';
