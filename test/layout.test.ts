/**
 * The layout rules of CONTRIBUTING.md, checked on the real import graph: no import cycle between
 * modules or between packages, data flows dsl → ir → compilers → engines → verify → cli, and no
 * package reaches into the bundled policies/ folder.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cycles, importGraph, packageGraph, packageOf } from './support/imports.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = readdirSync(join(root, 'packages')).sort();
const graph = importGraph(root, [...packages.map((p) => `packages/${p}/src`), 'policies']);

/** What each package may import (besides itself). Anything else is a layering mistake. */
const ALLOWED: Record<string, readonly string[]> = {
  ir: [],
  dsl: ['ir'],
  compilers: ['ir'],
  rego: [],
  pss: ['ir'],
  cel: ['ir'],
  yaml: [],
  kyverno: ['ir', 'cel', 'pss', 'yaml'],
  gatekeeper: ['rego', 'yaml'],
  'pss-library': ['ir', 'dsl', 'pss'],
  'psp-library': ['ir', 'dsl', 'yaml'],
  verify: ['ir', 'compilers', 'rego', 'pss', 'cel', 'kyverno', 'gatekeeper', 'yaml'],
  cli: ['ir', 'dsl', 'compilers', 'rego', 'pss', 'cel', 'kyverno', 'gatekeeper', 'pss-library', 'psp-library', 'verify', 'yaml'],
  policies: ['ir', 'dsl', 'pss-library', 'psp-library'],
  podsec: ['ir', 'dsl', 'pss-library', 'psp-library'],
};

describe('workspace layout', () => {
  it('reads the whole workspace', () => {
    expect(graph.edges.size).toBeGreaterThan(200);
    expect(Object.keys(ALLOWED).sort()).toEqual([...packages, 'policies'].sort());
  });

  it('has no import cycle between modules', () => {
    expect(cycles(graph.edges)).toEqual([]);
  });

  it('has no import cycle between packages', () => {
    expect(cycles(packageGraph(graph))).toEqual([]);
  });

  it('follows the data flow: every cross-package import is an allowed one', () => {
    const wrong = [...graph.edges].flatMap(([from, tos]) =>
      tos.filter((to) => packageOf(to) !== packageOf(from) && !ALLOWED[packageOf(from)]?.includes(packageOf(to))).map((to) => `${from} → ${to}`),
    );
    expect(wrong).toEqual([]);
  });

  it('detects a cycle when there is one', () => {
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
  });
});
