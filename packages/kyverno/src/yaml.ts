/**
 * YAML decoding the way Kubernetes tooling does it (sigs.k8s.io/yaml over go-yaml v2): YAML 1.1 scalars
 * (`yes`/`on` are booleans, `0755` is octal) but timestamps stay strings, since they are re-encoded to JSON;
 * and what go-yaml accepts beyond YAML 1.2 loads, with a warning (the shared loader, @podsec/yaml).
 */
import { GoYamlError, parseGoYaml, type GoYamlDocument } from '@podsec/yaml';

export { GoYamlError as YamlError };
export type YamlDocument = GoYamlDocument;

export function parseYamlDocuments(text: string, file: string, warn?: (message: string) => void): YamlDocument[] {
  return parseGoYaml(text, file, warn ? { warn } : {});
}

export function parseYamlValue(text: string): unknown {
  // Inline values (parse_yaml in JMESPath) are data, not files a user can fix: no warnings.
  const docs = parseGoYaml(text, '<inline>', { warn: () => {} });
  return docs[0]?.value ?? null;
}
