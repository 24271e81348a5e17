import { stringify } from 'yaml';

/**
 * Deterministic YAML for Kubernetes manifests: key order is the order objects are built in,
 * no line folding (so long CEL and JMESPath expressions stay byte-stable), and strings that
 * YAML 1.1 readers would take as booleans or numbers are quoted.
 */
export function toYaml(doc: unknown): string {
  return stringify(doc, {
    lineWidth: 0,
    minContentWidth: 0,
    indent: 2,
    indentSeq: true,
    aliasDuplicateObjects: false,
    defaultStringType: 'PLAIN',
    defaultKeyType: 'PLAIN',
    version: '1.2',
    compat: 'yaml-1.1',
  });
}

/** Several documents in one file, separated by `---`. */
export function toYamlDocuments(docs: unknown[]): string {
  return docs.map(toYaml).join('---\n');
}
