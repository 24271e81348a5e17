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
      'template.yaml:1:10: document 0, enabled: read as true (YAML 1.1, as Go reads it); YAML 1.2 reads "yes". Fix: quote the value, or write the 1.2 form, so that every tool agrees.',
      'template.yaml:3:7: document 0, perm: read as 493 (YAML 1.1, as Go reads it); YAML 1.2 reads 755. Fix: quote the value, or write the 1.2 form, so that every tool agrees.',
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
    expect(() => load('a: [1, 2\nb: 3\n')).toThrow(/^template\.yaml:2:1: document 0 is not valid YAML\/JSON \(.*\)\. Fix: correct the syntax there\.$/);
  });
});

const strict = (text: string) => parseGoYaml(text, 'pod.yaml', { mode: 'strict', warn: () => {} }).map((d) => d.value);

describe('one reader, two modes: strict refuses what tools read differently; warn reads it as Go does and says so', () => {
  const cases: { what: string; text: string; refusal: RegExp; value: unknown; warning: RegExp }[] = [
    {
      what: 'a merge key overriding a key set above it',
      text: 'a: 1\n<<: {a: 2}\n',
      refusal: /^pod\.yaml:2:1: the merge key \(<<\) sets "a", which this mapping already set above it; .*Fix: put <<: before the explicit keys\.$/,
      value: { a: 2 },
      warning: /^pod\.yaml:2:1: document 0, \(root\): the merge key \(<<\) sets "a", .*read as Go reads it \(the merge wins\)/,
    },
    {
      what: 'an application tag on a scalar',
      text: 'a: !custom x\n',
      refusal: /^pod\.yaml:1:12: the tag "!custom" is not one podsec reads the way kubectl does\. Fix: remove the tag and write the plain value\.$/,
      value: { a: 'x' },
      warning: /^pod\.yaml:1:12: document 0, a: the tag "!custom" is ignored and the value read as the string "x", as Go reads it\. Fix: remove the tag\.$/,
    },
    {
      what: 'an integer beyond 2^53',
      text: 'a: 9223372036854775807\n',
      refusal: /^pod\.yaml:1:4: the integer "9223372036854775807" is too large to read exactly\. Fix: quote it/,
      value: { a: 2 ** 63 },
      warning: /^pod\.yaml:1:4: document 0, a: the integer "9223372036854775807" is too large to read exactly; read as 9223372036854776000\./,
    },
    {
      what: 'a quoted continuation line indented no deeper than its key',
      text: 'a:\n  b: "one\n  two"\n',
      refusal: /^pod\.yaml:3: this continuation line of a multi-line quoted scalar is indented no deeper than its key\. .*Fix: indent the line further\.$/,
      value: { a: { b: 'one two' } },
      warning: /^pod\.yaml:3: this continuation line/,
    },
  ];
  it.each(cases.map((c) => [c.what, c] as const))('%s', (_what, c) => {
    expect(() => strict(c.text)).toThrow(GoYamlError);
    expect(() => strict(c.text)).toThrow(c.refusal);
    const warnings: string[] = [];
    const docs = parseGoYaml(c.text, 'pod.yaml', { warn: (w) => warnings.push(w) });
    expect(docs.map((d) => d.value)).toEqual([c.value]);
    expect(warnings.some((w) => c.warning.test(w))).toBe(true);
  });

  it('both modes read YAML 1.1 scalars as go-yaml v2 does; strict says nothing about it', () => {
    // Keys resolve too (go-yaml v2, then sigs.k8s.io/yaml writes a boolean key as "true"/"false").
    const text = 'runAsUser: 0b0\nenabled: on\ncount: 1_000\nperm: 0o17\nf: !!float 1\ns: !!str 12\nz: ~\nn: 1\n';
    const want = { runAsUser: 0, enabled: true, count: 1000, perm: 15, f: 1, s: '12', z: null, false: 1 };
    expect(strict(text)).toEqual([want]);
    expect(parseGoYaml(text, 'pod.yaml', { warn: () => {} }).map((d) => d.value)).toEqual([want]);
  });

  it('both modes merge (<<) a mapping or a list of mappings, the first winning, and refuse duplicate keys, .inf and too deep nesting', () => {
    const text = 'base: &b {p: 1, q: 1}\nother: &o {q: 2}\nc:\n  <<: [*o, *b]\n  r: 3\n';
    for (const mode of ['strict', 'warn'] as const) {
      const docs = parseGoYaml(text, 'pod.yaml', { mode, warn: () => {} });
      expect(docs[0]!.value).toMatchObject({ c: { p: 1, q: 2, r: 3 } });
      const opts = { mode, warn: () => {} };
      expect(() => parseGoYaml('a: 1\na: 2\n', 'pod.yaml', opts)).toThrow(
        /^pod\.yaml:2:1: the key "a" appears twice in one mapping\. Fix: keep one of them\.$/,
      );
      expect(() => parseGoYaml('a: .inf\n', 'pod.yaml', opts)).toThrow(/^pod\.yaml:1:4: ".inf" is an infinite or NaN float/);
      expect(() => parseGoYaml(`${'['.repeat(150)}${']'.repeat(150)}\n`, 'pod.yaml', opts)).toThrow(/^pod\.yaml: nesting is deeper than 100 levels/);
    }
  });

  it('yaml11: false reads the YAML 1.2 core schema: `yes` and `<<` are strings, 0755 is decimal', () => {
    const docs = parseGoYaml('a: yes\nb: 0755\n<<: {c: 1}\n', 'suite.yaml', { yaml11: false, warn: () => {} });
    expect(docs[0]!.value).toEqual({ a: 'yes', b: 755, '<<': { c: 1 } });
  });

  it('counts documents as the file has them and says where each starts', () => {
    const docs = parseGoYaml('a: 1\n---\n# only a comment\n---\nb: 2\n', 'f.yaml', { mode: 'strict' });
    expect(docs.map((d) => [d.index, d.line, d.value])).toEqual([
      [0, 1, { a: 1 }],
      [1, 2, null],
      [2, 4, { b: 2 }],
    ]);
  });
});
