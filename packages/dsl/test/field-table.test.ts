import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Project, ts } from 'ts-morph';

// The agreement between the IR field table and kubernetes-types is a type-level test
// (field-table.types.ts). Compiled here with the real compiler, as is and with a deliberate
// disagreement injected, so the test is seen to fail when the table drifts.
const here = dirname(fileURLToPath(import.meta.url));
const project = new Project({ tsConfigFilePath: join(here, '..', 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
const source = readFileSync(join(here, 'field-table.types.ts'), 'utf8');

function diagnostics(text: string): string[] {
  const file = project.createSourceFile(join(here, '__field_table__.ts'), text, { overwrite: true });
  const out = file.getPreEmitDiagnostics().map((d) => `${d.getLineNumber()}: ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n')}`);
  project.removeSourceFile(file);
  return out;
}

function mutate(from: string, to: string): string {
  expect(source).toContain(from);
  return source.replace(from, to);
}

describe('the IR field table agrees with kubernetes-types', () => {
  it('as it is', () => {
    expect(diagnostics(source)).toEqual([]);
  }, 60_000);

  it.each([
    ['a field typed differently', 'PodFields[F], At<', "(F extends 'runAsUser' ? string : PodFields[F]), At<", /podFields|runAsUser/],
    ['an enumeration wider than the API', 'ContainerFields[F], At<', "(F extends 'procMount' ? number : ContainerFields[F]), At<", /procMount/],
    [
      'a volume source missing',
      "ItemAgreement<PodItemLists['volumes'], Volume>",
      "ItemAgreement<Omit<PodItemLists['volumes'], 'hostPath'>, Volume>",
      /hostPath/,
    ],
    [
      'a nested key missing',
      "ItemAgreement<PodItemLists['volumes'], Volume>",
      "ItemAgreement<PodItemLists['volumes'] & { nfs?: { path?: string } }, Volume & { nfs?: { extra?: string } }>",
      /nfs/,
    ],
    [
      'a port key of another type',
      "ItemAgreement<ContainerItemLists['ports'], ContainerPort>",
      "ItemAgreement<ContainerItemLists['ports'], ContainerPort & { hostPort?: string }>",
      /hostPort/,
    ],
  ])(
    'fails on %s',
    (_name, from, to, named) => {
      const found = diagnostics(mutate(from, to));
      expect(found.length).toBeGreaterThan(0);
      expect(found.join('\n')).toMatch(named);
    },
    60_000,
  );
});
