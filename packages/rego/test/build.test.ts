// buildWasm's opa/podsec selection and the `podsec rego build` command. No opa binary exists
// here, so a fake `opa` script stands in: it proves the plumbing (flags, tarball extraction,
// reporting which compiler ran), not OPA itself.
import { beforeAll, afterAll, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildWasm, compileRego, createTar, extractTarGzFile, loadRegoPolicy, regoBuildCommand } from '../src/index.js';
import { ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS } from './helpers.js';

const POLICY = 'package t\n\nimport future.keywords.if\n\nallow if input.user == "alice"\n';
let dir: string;
let fakeOpa: string;

beforeAll(() => {
  ensureRuntime();
  dir = mkdtempSync(join(tmpdir(), 'podsec-rego-build-'));
  const ours = compileRego([{ path: 'p.rego', text: POLICY }], { entrypoints: ['t/allow'] });
  const bundle = gzipSync(
    createTar([
      { name: '/data.json', data: new TextEncoder().encode('{}') },
      { name: '/policy.wasm', data: ours.wasm },
    ]),
  );
  writeFileSync(join(dir, 'prepared.tar.gz'), bundle);
  fakeOpa = join(dir, 'bin', 'opa');
  const script = [
    '#!/bin/sh',
    `echo "$@" >> "${join(dir, 'calls.log')}"`,
    'if [ "$1" = "version" ]; then echo "Version: 0.99.0-fake"; echo "Build Commit: none"; exit 0; fi',
    'if [ "$1" = "build" ]; then',
    '  out=""; prev=""',
    '  for a in "$@"; do if [ "$prev" = "-o" ]; then out="$a"; fi; prev="$a"; done',
    '  case "$*" in *missing*) echo "1 error occurred: policy.rego:1: rego_parse_error" >&2; exit 1;; esac',
    `  /bin/cp "${join(dir, 'prepared.tar.gz')}" "$out"; exit 0`,
    'fi',
    'exit 2',
  ].join('\n');
  mkdirSync(join(dir, 'bin'));
  writeFileSync(fakeOpa, script + '\n');
  chmodSync(fakeOpa, 0o755);
}, RUNTIME_BUILD_TIMEOUT_MS);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tar', () => {
  it('extracts one file from a gzipped ustar archive and ignores the others', () => {
    const gz = gzipSync(
      createTar([
        { name: 'a.txt', data: new Uint8Array([1]) },
        { name: '/policy.wasm', data: new Uint8Array(700).fill(7) },
      ]),
    );
    expect(extractTarGzFile(gz, '/policy.wasm')).toEqual(new Uint8Array(700).fill(7));
    expect(extractTarGzFile(gz, '/missing')).toBeUndefined();
  });
});

describe('buildWasm', () => {
  it('uses OPA_BIN when set, extracts /policy.wasm and reports opa with its version', async () => {
    const r = buildWasm([{ path: 'p.rego', text: POLICY }], { entrypoints: ['t/allow'], env: { PATH: '', OPA_BIN: fakeOpa } });
    expect(r.compiler).toBe('opa');
    expect(r.opaVersion).toBe('Version: 0.99.0-fake');
    expect(r.entrypoints).toEqual({ 't/allow': 0 });
    const calls = readFileSync(join(dir, 'calls.log'), 'utf8');
    expect(calls).toMatch(/^build -t wasm -e t\/allow -o \S+bundle\.tar\.gz \S+p\.rego$/m);
    const p = await loadRegoPolicy(r.wasm, r.hostBuiltins);
    expect(p.evaluate({ user: 'alice' }, 't/allow')).toEqual([{ result: true }]);
  });

  it('finds opa on PATH when OPA_BIN is unset', () => {
    const r = buildWasm([{ path: 'p.rego', text: POLICY }], { entrypoints: ['t/allow'], env: { PATH: join(dir, 'bin') } });
    expect(r.compiler).toBe('opa');
  });

  it('falls back to podsec without opa, and says so', async () => {
    const r = buildWasm([{ path: 'p.rego', text: POLICY }], { entrypoints: ['t/allow'], env: { PATH: '/nonexistent' } });
    expect(r.compiler).toBe('podsec');
    expect(r.opaVersion).toBeUndefined();
    const p = await loadRegoPolicy(r.wasm, r.hostBuiltins);
    expect(p.evaluate({ user: 'bob' }, 't/allow')).toEqual([]);
  });

  it('surfaces opa failures and a bad OPA_BIN clearly', () => {
    expect(() => buildWasm([{ path: 'missing.rego', text: POLICY }], { entrypoints: ['t/allow'], env: { OPA_BIN: fakeOpa } })).toThrow(
      `opa (${fakeOpa}) failed: 1 error occurred: policy.rego:1: rego_parse_error`,
    );
    expect(() => buildWasm([{ path: 'p.rego', text: POLICY }], { entrypoints: ['t/allow'], env: { OPA_BIN: join(dir, 'nope') } })).toThrow(
      `OPA_BIN=${join(dir, 'nope')} is not an executable file; unset it to use podsec's compiler`,
    );
  });
});

describe('podsec rego build', () => {
  const io = (cwd: string) => {
    const o = { out: '', err: '' };
    return { o, io: { stdout: (s: string) => (o.out += s), stderr: (s: string) => (o.err += s), cwd } };
  };

  it('writes the module and prints which compiler produced it', async () => {
    writeFileSync(join(dir, 'policy.rego'), POLICY);
    const { o, io: cio } = io(dir);
    const saved = { PATH: process.env.PATH, OPA_BIN: process.env.OPA_BIN };
    process.env.PATH = '/nonexistent';
    delete process.env.OPA_BIN;
    try {
      expect(await regoBuildCommand(['-e', 't/allow', '-o', 'out/policy.wasm', 'policy.rego'], cio)).toBe(1);
      expect(o.err).toBe(
        `podsec rego build: cannot write out/policy.wasm: ENOENT: no such file or directory, open '${join(dir, 'out', 'policy.wasm')}.${process.pid}.tmp'\n`,
      );
      mkdirSync(join(dir, 'out'));
      expect(await regoBuildCommand(['-e', 't/allow', '-o', 'out/policy.wasm', 'policy.rego'], cio)).toBe(0);
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.OPA_BIN !== undefined) process.env.OPA_BIN = saved.OPA_BIN;
    }
    expect(o.out).toMatch(/^wrote out\/policy\.wasm \(\d+ bytes, compiler: podsec, entrypoints: t\/allow\)\n$/);
    const wasm = new Uint8Array(readFileSync(join(dir, 'out', 'policy.wasm')));
    const p = await loadRegoPolicy(wasm);
    expect(p.evaluate({ user: 'alice' }, 't/allow')).toEqual([{ result: true }]);
  });

  it('reports compile errors with file:line:col and usage errors with exit code 2', async () => {
    writeFileSync(join(dir, 'bad.rego'), 'package t\n\np if { x > 1 }\n');
    const { o, io: cio } = io(dir);
    expect(await regoBuildCommand(['-e', 't/p', '-o', 'bad.wasm', 'bad.rego'], cio)).toBe(1);
    expect(o.err).toContain('bad.rego:3:8: rego_unsafe_var_error: var x is unsafe');
    expect(existsSync(join(dir, 'bad.wasm'))).toBe(false);
    expect(await regoBuildCommand(['-o', 'x.wasm', 'bad.rego'], cio)).toBe(2);
    expect(o.err).toContain('missing -e <pkg/rule>');
  });
});
