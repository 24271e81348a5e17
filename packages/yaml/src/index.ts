export { GoYamlError, parseGoYaml, type GoYamlDocument, type GoYamlOptions } from './go-yaml.js';
