/**
 * `podsec eval`, `verify --fixtures` and `pss import` read YAML with @podsec/yaml in strict mode:
 * as kubectl reads it, refusing what other tools would read differently. Its refusals are load
 * errors here (exit 2), with the file, line and fix the reader wrote.
 */
import { GoYamlError, parseGoYaml, type GoYamlDocument } from '@podsec/yaml';
import { FixtureLoadError } from '../fixtures/errors.js';
import { INPUT_LIMITS, type InputLimits } from './limits.js';

export type { Json } from '@podsec/yaml';
export type YamlDocument = GoYamlDocument;

export function parseKubeYaml(text: string, file: string, limits: InputLimits = INPUT_LIMITS): YamlDocument[] {
  try {
    return parseGoYaml(text, file, { mode: 'strict', limits });
  } catch (e) {
    if (e instanceof GoYamlError) throw new FixtureLoadError(e.message);
    throw e;
  }
}
