// What Go's YAML parser (go-yaml, used by gator and kubectl-kyverno) accepts must load, with a warning where
// YAML 1.2 would reject it or read it differently. The template below has the shape of real
// ConstraintTemplates' CRD descriptions: a double-quoted scalar continued at its key's indentation.
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { GoYamlError, parseGoYaml } from '../src/index.js';

const TEMPLATE = `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8spspallowedusers
spec:
  crd:
    spec:
      validation:
        openAPIV3Schema:
          properties:
            exemptImages:
              description: "Any container that uses an image that matches an entry in this list will be excluded
              from enforcement. Prefix-matching can be signified with \`*\`. For example: \`my-image-*\`.

              It is recommended that users use the fully-qualified Docker image name (e.g. start with a domain name)
              in order to avoid unexpectedly exempting images from an untrusted repository."
              type: array
            note:
              - 'a single-quoted item that
              goes on'
      names:
        kind: K8sPSPAllowedUsers
`;

function load(text: string, yaml11 = true) {
  const warnings: string[] = [];
  const docs = parseGoYaml(text, 'template.yaml', { yaml11, warn: (w) => warnings.push(w) });
  return { docs, warnings };
}

describe('parseGoYaml', () => {
  it('the yaml package alone rejects the template (YAML 1.2)', () => {
    const docs = parseAllDocuments(TEMPLATE);
    expect(Array.isArray(docs) && docs[0]!.errors.length > 0).toBe(true);
  });

  it('loads it as Go does, folding the continuation lines, and warns for each line it re-indented', () => {
    for (const yaml11 of [true, false]) {
      const { docs, warnings } = load(TEMPLATE, yaml11);
      const props = (
        docs[0]!.value as { spec: { crd: { spec: { validation: { openAPIV3Schema: { properties: Record<string, { description?: string } | unknown> } } } } } }
      ).spec.crd.spec.validation.openAPIV3Schema.properties;
      expect((props.exemptImages as { description: string }).description).toBe(
        'Any container that uses an image that matches an entry in this list will be excluded from enforcement. ' +
          'Prefix-matching can be signified with `*`. For example: `my-image-*`.\n' +
          'It is recommended that users use the fully-qualified Docker image name (e.g. start with a domain name) ' +
          'in order to avoid unexpectedly exempting images from an untrusted repository.',
      );
      expect(props.note).toEqual(['a single-quoted item that goes on']);
      expect(warnings.map((w) => w.split(':').slice(0, 2).join(':'))).toEqual(['template.yaml:13', 'template.yaml:15', 'template.yaml:16', 'template.yaml:20']);
      expect(warnings[0]).toMatch(/indented no deeper than its key.*YAML 1\.2 parsers reject it\. Fix: indent the line further/);
    }
  });

  it('reads scalars by YAML 1.1 as go-yaml v2 does, and warns where YAML 1.2 reads them differently', () => {
    const { docs, warnings } = load('enabled: yes\nmode: "0755"\nperm: 0755\nname: plain\n');
    expect(docs[0]!.value).toEqual({ enabled: true, mode: '0755', perm: 493, name: 'plain' });
    expect(warnings).toEqual([
      'template.yaml: document 0, enabled: read as true (YAML 1.1, as Go reads it); YAML 1.2 reads "yes". Fix: quote the value, or write the 1.2 form, so that every tool agrees.',
      'template.yaml: document 0, perm: read as 493 (YAML 1.1, as Go reads it); YAML 1.2 reads 755. Fix: quote the value, or write the 1.2 form, so that every tool agrees.',
    ]);
    // Timestamps stay strings (they are re-encoded to JSON).
    expect(load('at: 2024-01-01T00:00:00Z\n').docs[0]!.value).toEqual({ at: '2024-01-01T00:00:00Z' });
  });

  it('a block scalar that merely looks like an open quote is left alone', () => {
    const text = 'a: |\n  key: "not a scalar start\nb: 1\n';
    expect(load(text).docs[0]!.value).toEqual({ a: 'key: "not a scalar start\n', b: 1 });
  });

  it('YAML Go rejects too still fails, naming the file, line and document', () => {
    expect(() => load('a: [1, 2\nb: 3\n')).toThrow(GoYamlError);
    expect(() => load('a: [1, 2\nb: 3\n')).toThrow(/^template\.yaml:\d+:\d+: invalid YAML in document 0: /);
  });
});
