/**
 * `pnpm pack:release`: the npm package `podsec`, as dist/podsec-<version>.tgz.
 *
 * - lib/: the workspace packages bundled by esbuild into ES modules (one shared chunk graph, so
 *   the DSL a user's policy imports from `podsec` is the same module instance the CLI checks);
 *   third-party libraries stay imports and become the package's `dependencies`.
 * - lib/rego-runtime.{wasm,json}: the AssemblyScript Rego VM, built here once, so an install
 *   never runs AssemblyScript or binaryen.
 * - types/: declarations emitted by tsc for every public entry, `@podsec/*` rewritten to
 *   relative paths inside the package.
 * - bin/podsec.js: registers tsx (policy modules are TypeScript) and runs the CLI.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import ts from 'typescript';
import { runtimeModule } from '../../rego/src/wasm/runtime-build.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, '..');
const repo = resolve(pkgDir, '..', '..');
const distDir = join(repo, 'dist');
const stage = join(distDir, 'package');
const posix = (p: string) => p.split(sep).join('/');

interface PackageJson {
  name: string;
  version: string;
  description?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
const podsecPkg = readJson(join(pkgDir, 'package.json'));

/** Public subpaths: export name → source entry (the CLI's entry is not importable). */
const ENTRIES: Record<string, { source: string; subpath?: string }> = {
  index: { source: join(pkgDir, 'src/index.ts'), subpath: '.' },
  pss: { source: join(pkgDir, 'src/pss.ts'), subpath: './pss' },
  psp: { source: join(pkgDir, 'src/psp.ts'), subpath: './psp' },
  ir: { source: join(pkgDir, 'src/ir.ts'), subpath: './ir' },
  bin: { source: join(repo, 'packages/cli/src/bin.ts') },
  // Policy modules are imported in a child process (load-policies.ts finds it beside its chunk).
  'policy-modules-child': { source: join(repo, 'packages/cli/src/policy-modules-child.ts') },
  // The executable's type check runs on a worker thread (typecheck-thread.ts finds it beside its chunk).
  'typecheck-worker': { source: join(repo, 'packages/cli/src/typecheck-worker.ts') },
  // verify's worker threads (parallel.ts finds it beside its chunk).
  'verify-worker': { source: join(repo, 'packages/verify/src/verify-worker.ts') },
};

/** Needed at run time although no bundled module imports them statically. */
const RUNTIME_EXTRAS = ['tsx', 'typescript', 'kubernetes-types'];
/** Build-time only: must never reach the published dependency list. */
const FORBIDDEN = new Set(['assemblyscript', 'binaryen', 'wabt', 'esbuild']);

const isWorkspace = (spec: string) => spec.startsWith('@podsec/') || spec === 'podsec' || spec.startsWith('podsec/');
const packageName = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

/** Every version pinned anywhere in the workspace, so the release depends on exactly those. */
function workspaceVersions(): Map<string, string> {
  const versions = new Map<string, string>();
  const files = [join(repo, 'package.json'), ...readdirSync(join(repo, 'packages')).map((p) => join(repo, 'packages', p, 'package.json'))];
  for (const file of files.filter(existsSync)) {
    const pkg = readJson(file);
    for (const [name, v] of Object.entries({ ...pkg.devDependencies, ...pkg.dependencies })) if (!v.startsWith('workspace:')) versions.set(name, v);
  }
  return versions;
}

/** Keeps third-party imports as imports; workspace packages are bundled. */
const externals: Plugin = {
  name: 'externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (isWorkspace(args.path) || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** The prebuilt runtime replaces the modules that would build it with AssemblyScript. */
const prebuiltRegoRuntime: Plugin = {
  name: 'prebuilt-rego-runtime',
  setup(b) {
    b.onResolve({ filter: /\/runtime-(build|sync)\.js$/ }, (args) =>
      args.importer.includes(`${sep}packages${sep}rego${sep}`) ? { path: join(pkgDir, 'src/release/rego-runtime.ts') } : undefined,
    );
  },
};

/** `readFileSync(new URL('<asset>', import.meta.url), 'utf8')` becomes the asset's text. */
const inlineTextAssets: Plugin = {
  name: 'inline-text-assets',
  setup(b) {
    const pattern = /readFileSync\(new URL\('([^']+)', import\.meta\.url\), 'utf8'\)/g;
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!pattern.test(text)) return undefined;
      const contents = text.replace(pattern, (_, rel: string) => JSON.stringify(readFileSync(resolve(dirname(args.path), rel), 'utf8')));
      return { contents, loader: 'ts', resolveDir: dirname(args.path) };
    });
  },
};

function externalPackages(metafile: Metafile): Set<string> {
  const names = new Set<string>();
  for (const out of Object.values(metafile.outputs))
    for (const imp of out.imports) if (imp.external && !imp.path.startsWith('node:')) names.add(packageName(imp.path));
  return names;
}

async function bundle(): Promise<Set<string>> {
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, e]) => [name, e.source])),
    outdir: join(stage, 'lib'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunk-[hash]',
    metafile: true,
    legalComments: 'none',
    plugins: [externals, prebuiltRegoRuntime, inlineTextAssets],
    logLevel: 'warning',
  });
  return externalPackages(result.metafile);
}

async function prebuiltRuntime(): Promise<void> {
  const runtime = await runtimeModule();
  writeFileSync(join(stage, 'lib/rego-runtime.wasm'), runtime.wasm);
  writeFileSync(join(stage, 'lib/rego-runtime.json'), `${JSON.stringify({ planAddr: runtime.planAddr })}\n`);
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Declarations for the public entries; returns the third-party packages they reference. */
function declarations(): Set<string> {
  const raw = join(distDir, 'types-raw');
  rmSync(raw, { recursive: true, force: true });
  const base = ts.readConfigFile(join(repo, 'tsconfig.base.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(base.config, ts.sys, repo);
  const roots = Object.values(ENTRIES)
    .filter((e) => e.subpath)
    .map((e) => e.source);
  // Workspace packages are mapped to their sources (not resolved through node_modules symlinks),
  // so tsc treats them as part of the program and emits their declarations too.
  const paths = { '@podsec/*': [join(repo, 'packages/*/src/index.ts')] };
  const program = ts.createProgram(roots, {
    ...options,
    paths,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    outDir: raw,
    rootDir: repo,
    types: ['node'],
  });
  const emitted = program.emit();
  const errors = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) throw new Error(ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => repo, getNewLine: () => '\n' }));

  const referenced = new Set<string>();
  const spec = /(from\s+|import\()(['"])([^'"]+)\2/g;
  for (const file of walk(raw)) {
    const rel = posix(relative(raw, file));
    const target = join(stage, 'types', rel);
    const text = readFileSync(file, 'utf8').replace(spec, (all, kw: string, q: string, s: string) => {
      if (s.startsWith('.') || s.startsWith('node:')) return all;
      if (s.startsWith('@podsec/')) {
        const to = posix(relative(dirname(join(stage, 'types', rel)), join(stage, 'types/packages', s.slice('@podsec/'.length), 'src/index.js')));
        return `${kw}${q}${to.startsWith('.') ? to : `./${to}`}${q}`;
      }
      referenced.add(packageName(s));
      return all;
    });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  rmSync(raw, { recursive: true, force: true });
  return referenced;
}

const BIN = `#!/usr/bin/env node
// Policy modules are TypeScript: tsx's loader lets the CLI import them without a compile step.
import { register } from 'tsx/esm/api';
register();
await import('../lib/bin.js');
`;

function packageJson(deps: Set<string>): string {
  const versions = workspaceVersions();
  const dependencies: Record<string, string> = {};
  for (const name of [...deps].sort()) {
    if (FORBIDDEN.has(name)) throw new Error(`pack: the bundle imports ${name}, a build-time-only package; it must not ship`);
    const v = versions.get(name);
    if (!v) throw new Error(`pack: ${name} is imported but no workspace package.json pins a version of it`);
    dependencies[name] = v;
  }
  const typesOf = (source: string) => `./${posix(relative(repo, source)).replace(/\.ts$/, '.d.ts').replace(/^/, 'types/')}`;
  const exports: Record<string, unknown> = {};
  for (const [name, e] of Object.entries(ENTRIES)) if (e.subpath) exports[e.subpath] = { types: typesOf(e.source), default: `./lib/${name}.js` };
  exports['./package.json'] = './package.json';
  return `${JSON.stringify(
    {
      name: podsecPkg.name,
      version: podsecPkg.version,
      description: podsecPkg.description,
      type: 'module',
      license: 'Apache-2.0',
      engines: { node: '>=20.11' },
      bin: { podsec: './bin/podsec.js' },
      types: typesOf(ENTRIES.index!.source),
      exports,
      files: ['bin', 'lib', 'types', 'README.md'],
      dependencies,
    },
    null,
    2,
  )}\n`;
}

async function main(): Promise<void> {
  const started = Date.now();
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'lib'), { recursive: true });
  mkdirSync(join(stage, 'bin'), { recursive: true });
  const imported = await bundle();
  await prebuiltRuntime();
  const typed = declarations();
  writeFileSync(join(stage, 'bin/podsec.js'), BIN, { mode: 0o755 });
  cpSync(join(repo, 'README.md'), join(stage, 'README.md'));
  writeFileSync(join(stage, 'package.json'), packageJson(new Set([...imported, ...typed, ...RUNTIME_EXTRAS])));
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', distDir], { cwd: stage, encoding: 'utf8' }).trim();
  const tarball = join(distDir, out.split('\n').pop()!);
  process.stdout.write(`${posix(relative(process.cwd(), tarball))} (${(statSync(tarball).size / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)\n`);
}

await main();
