import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { generatedNames } from '../../src/shared/names.js';
import { regoCompiler } from '../../src/rego/index.js';
import { expectGolden } from '../../../../test/support/golden.js';
import { FIXTURE_DIR, regoFixtures } from './fixtures.js';

const GOLDEN_DIR = join(FIXTURE_DIR, '..', '..', 'rego', 'golden');

describe('rego target: golden modules', () => {
  for (const { file, ir } of regoFixtures()) {
    it(`${file} compiles to the reviewed module`, () => {
      const names = generatedNames(ir);
      const out = regoCompiler.compile(ir, names);
      expect(out.files.map((f) => f.path)).toEqual([`rego/${ir.name}.rego`]);
      expect(out.manifest).toEqual({ file: `rego/${ir.name}.rego`, package: names.regoPackage, entrypoint: names.regoEntrypoint, input: 'gatekeeper' });
      expectGolden(join(GOLDEN_DIR, `${ir.name}.rego`), out.files[0]!.content);
    });
  }
});
