import { describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Project, ts } from 'ts-morph';

// Compile-time guarantees are part of the DSL's contract: these snippets are type-checked with
// the real TypeScript compiler (through ts-morph) exactly as an author's editor would.
const here = dirname(fileURLToPath(import.meta.url));
const project = new Project({ tsConfigFilePath: join(here, '..', 'tsconfig.json'), skipAddingFilesFromTsConfig: true });

function diagnostics(body: string): string[] {
  const file = project.createSourceFile(
    join(here, '__snippet__.ts'),
    `import { container, effective, pod, podItems, containerItems, is } from '../src/index.js';\n${body}\n`,
    { overwrite: true },
  );
  const out = file.getPreEmitDiagnostics().map((d) => ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n'));
  project.removeSourceFile(file);
  return out;
}

describe('the DSL is typed against kubernetes-types', () => {
  it('accepts well-typed constraints', () => {
    expect(
      diagnostics(`
        pod('runAsNonRoot').equals(true);
        effective('runAsUser').atLeast(1000);
        container('capabilities.drop').includesAll(['ALL']);
        pod('supplementalGroupsPolicy').equals('Strict');
        effective('seccompProfile.type').oneOf(['RuntimeDefault', 'Localhost']);
        podItems('sysctls').where('name').oneOf(['kernel.shm_rmid_forced']);
        containerItems('ports').where('hostPort').optional.oneOf([0]);
        container('livenessProbe.httpGet.host').optional.oneOf(['']);
        podItems('volumes').where('hostPath', 'path').optional.startsWith('/var/log');
        podItems('volumes').where('image', 'reference').optional.glob('registry.example/*');
        podItems('volumes').each().is(is.not(is.hasAnyKey(['hostPath', 'nfs'])));
      `),
    ).toEqual([]);
  }, 60_000);

  const rejected: [string, string][] = [
    ['a misspelt field', `pod('runAsRoot').equals(1);`],
    ['a value of the wrong type', `container('privileged').equals('false');`],
    ['a pod-only field on containers', `container('hostNetwork').equals(false);`],
    ['a container-only field at effective scope', `effective('privileged').equals(false);`],
    ['a value outside the enumeration', `pod('fsGroupChangePolicy').equals('Sometimes');`],
    ['numbers in a capability list', `container('capabilities.drop').includesAll([1]);`],
    ['a range on a string field', `effective('seLinuxOptions.type').between(1, 2);`],
    ['an unknown item key', `podItems('volumes').where('hostpath').absent();`],
    ['a misspelt item key', `podItems('volumes').where('hostPth').absent();`],
    ['a dotted item key', `podItems('volumes').where('hostPath.path').absent();`],
    ['a misspelt nested item key', `podItems('volumes').where('hostPath', 'pth').absent();`],
    ['a nested key below a scalar', `containerItems('ports').where('hostPort', 'x').absent();`],
    ['a misspelt key in hasAnyKey', `podItems('volumes').each().is(is.hasAnyKey(['nfss']));`],
    ['a string compared with a port number', `containerItems('ports').where('hostPort').equals('80');`],
    ['a value outside a derived enumeration', `effective('seccompProfile.type').oneOf(['localhost']);`],
    ['a predicate of another type', `container('privileged').is(is.startsWith('x'));`],
  ];
  it.each(rejected)(
    'rejects %s',
    (_name, body) => {
      const found = diagnostics(body);
      expect(found.length).toBeGreaterThan(0);
      expect(found.join('\n')).not.toMatch(/Cannot find module/);
    },
    60_000,
  );
});
