/**
 * YAML decoding the way Kubernetes tooling does it (sigs.k8s.io/yaml over go-yaml v2): YAML 1.1 scalars
 * (`yes`/`on` are booleans, `0755` is octal) but timestamps stay strings, since they are re-encoded to JSON.
 */
import { parseAllDocuments, type Tags } from 'yaml';

const OPTIONS = {
  version: '1.1' as const,
  schema: 'yaml-1.1',
  customTags: (tags: Tags): Tags => tags.filter((t) => t !== 'timestamp' && (typeof t !== 'object' || t.tag !== 'tag:yaml.org,2002:timestamp')),
};

export class YamlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlError';
  }
}

export interface YamlDocument {
  /** 0-based document index in the file, counting empty and comment-only documents. */
  index: number;
  value: unknown;
}

export function parseYamlDocuments(text: string, file: string): YamlDocument[] {
  const docs = parseAllDocuments(text, OPTIONS);
  const list = Array.isArray(docs) ? docs : [];
  return list.map((doc, index) => {
    const err = doc.errors[0];
    if (err) {
      const line = err.linePos?.[0];
      throw new YamlError(`${file}${line ? `:${line.line}:${line.col}` : ''}: invalid YAML in document ${index}: ${err.message}`);
    }
    return { index, value: doc.toJS() as unknown };
  });
}

export function parseYamlValue(text: string): unknown {
  const docs = parseYamlDocuments(text, '<inline>');
  return docs[0]?.value ?? null;
}
