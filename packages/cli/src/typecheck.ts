/**
 * Type-checks policy modules with the TypeScript compiler before they are imported: tsx (which
 * loads them) only strips types, so without this step a typo such as
 * `container('privileged').equals('yes')` would build. Errors are reported as
 * `file:line:col - error TS…: message`, exit code 2.
 *
 * A clean result is cached (the hash of every file the compiler read), so an unchanged policy
 * folder costs a few file reads instead of a compiler run.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TS from 'typescript';
import { CliError, EXIT } from './io.js';

/** podsec's own sources when running from the repository; their errors are `pnpm typecheck`'s job. */
const PODSEC_SOURCES = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE_FORMAT = 1;

/** Used when the policy folder has no tsconfig.json of its own. */
const DEFAULT_OPTIONS = {
  strict: true,
  target: 'ES2022',
  // Without DOM: policies run in Node, and lib.dom.d.ts alone is a third of the parse time.
  lib: ['ES2022'],
  module: 'ESNext',
  moduleResolution: 'Bundler',
  skipLibCheck: true,
  allowJs: true,
  allowImportingTsExtensions: true,
  types: [],
} as const;

export interface TypecheckResult {
  /** Files type-checked (the policy modules and everything they import outside node_modules). */
  checked: number;
  cached: boolean;
  ms: number;
}

const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** The nearest node_modules/.cache/podsec above `from` (the convention of babel, eslint, …). */
export function cacheDirFor(from: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.PODSEC_CACHE_DIR) return resolve(env.PODSEC_CACHE_DIR);
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'podsec');
    if (dirname(dir) === dir) return join(tmpdir(), 'podsec-cache');
  }
}

interface CacheFile {
  format: number;
  /** Roots key → every file the compiler read, with its hash, when the check last passed. */
  clean: Record<string, Record<string, string>>;
}

function readCache(file: string): CacheFile {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
    if (parsed.format === CACHE_FORMAT && typeof parsed.clean === 'object') return parsed;
  } catch {
    // A missing or corrupt cache only costs a compiler run.
  }
  return { format: CACHE_FORMAT, clean: {} };
}

function stillClean(recorded: Record<string, string> | undefined): boolean {
  if (!recorded) return false;
  for (const [file, hash] of Object.entries(recorded)) {
    try {
      if (sha(readFileSync(file)) !== hash) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** The tsconfig.json that governs `from` (the nearest above it), as an editor would pick it. */
function findTsconfig(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'tsconfig.json'))) return join(dir, 'tsconfig.json');
    if (dirname(dir) === dir) return undefined;
  }
}

function compilerOptions(ts: typeof TS, firstFile: string, configFile: string | undefined): TS.CompilerOptions {
  const raw = configFile ? ts.readConfigFile(configFile, ts.sys.readFile).config : { compilerOptions: DEFAULT_OPTIONS };
  const parsed = ts.parseJsonConfigFileContent(raw ?? {}, ts.sys, configFile ? dirname(configFile) : dirname(firstFile));
  // The roots are the policy modules; a tsconfig's own include/files only matter to the IDE.
  return { ...parsed.options, noEmit: true, incremental: false, composite: false };
}

/**
 * Parsed files kept for the life of the process (tests, long-running tools): the libraries a
 * policy imports (lib.*.d.ts, kubernetes-types, podsec's own types) are parsed once, not per run.
 * An entry is reused only while the file's text is unchanged.
 */
const parsed = new Map<string, { text: string; sf: TS.SourceFile }>();
let keepParsed = true;

/**
 * Whether parsed files outlive a check (default yes). The one-shot `podsec` executable says no: the
 * libraries' syntax trees (≈130 MB) would otherwise sit in the heap through the build or verify
 * that follows the check.
 */
export function keepParsedSources(keep: boolean): void {
  keepParsed = keep;
  if (!keep) parsed.clear();
}

/** Whether this process keeps parsed files between checks (a long-lived one; see keepParsedSources). */
export const keepsParsedSources = (): boolean => keepParsed;

// Files are parsed without parent pointers: the binder sets them on every file it checks, so the
// parser's own pass over each tree (setParentNodes) would only repeat that work.
function cachingHost(ts: typeof TS, options: TS.CompilerOptions): TS.CompilerHost {
  const host = ts.createCompilerHost(options);
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = host.readFile(fileName);
    if (text === undefined) return original(fileName, languageVersion, onError, shouldCreate);
    const key = `${fileName}\0${typeof languageVersion === 'object' ? JSON.stringify(languageVersion) : languageVersion}`;
    const hit = parsed.get(key);
    if (hit && hit.text === text) return hit.sf;
    const sf = ts.createSourceFile(fileName, text, languageVersion);
    if (keepParsed) parsed.set(key, { text, sf });
    return sf;
  };
  return host;
}

function isUsersFile(ts: typeof TS, program: TS.Program, sf: TS.SourceFile): boolean {
  if (sf.isDeclarationFile || program.isSourceFileDefaultLibrary(sf)) return false;
  const file = resolve(sf.fileName);
  if (file.split(sep).includes('node_modules')) return false;
  return !file.startsWith(`${PODSEC_SOURCES}${sep}`) || !ts.sys.fileExists(join(PODSEC_SOURCES, 'podsec', 'package.json'));
}

function format(ts: typeof TS, d: TS.Diagnostic, cwd: string): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
  if (!d.file || d.start === undefined) return `error TS${d.code}: ${message}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const shown = relative(cwd, d.file.fileName).split(sep).join('/') || d.file.fileName;
  return `${shown}:${line + 1}:${character + 1} - error TS${d.code}: ${message}`;
}

/**
 * The compiler, loaded only once a check has to run (a cached result never pays for it). Required
 * rather than imported: as an ES import, Node first scans typescript.js (9 MB of CommonJS) for its
 * export names and the tsx loader inspects it too, which costs about a second of CPU per process.
 */
function loadTypescript(): typeof TS {
  return createRequire(import.meta.url)('typescript') as typeof TS;
}

/**
 * Throws a CliError (exit 2) listing every type error of the policy modules `files` and the
 * modules they import (outside node_modules and podsec itself).
 */
export async function typecheckPolicyModules(files: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<TypecheckResult> {
  const started = Date.now();
  const roots = [...files].map((f) => resolve(f)).sort();
  if (!roots.length) return { checked: 0, cached: false, ms: 0 };
  const cacheFile = join(cacheDirFor(dirname(roots[0]!), env), 'typecheck.json');
  const configFile = findTsconfig(dirname(roots[0]!));
  // The compiler options change what is an error, so the tsconfig is part of the key.
  const key = sha(`${roots.join('\n')}\n${configFile ?? ''}\n${configFile ? readFileSync(configFile, 'utf8') : ''}`);
  const cache = readCache(cacheFile);
  if (stillClean(cache.clean[key])) return { checked: roots.length, cached: true, ms: Date.now() - started };

  const ts = loadTypescript();
  const options = compilerOptions(ts, roots[0]!, configFile);
  const program = ts.createProgram(roots, options, cachingHost(ts, options));
  const own = program.getSourceFiles().filter((sf) => isUsersFile(ts, program, sf));
  const diagnostics = own.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]);
  const errors = diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) {
    const lines = errors.map((d) => `  ${format(ts, d, cwd)}`);
    throw new CliError(
      `${errors.length} type error(s) in the policy modules:\n${lines.join('\n')}\nFix: correct the code above (your editor shows the same errors), or pass --no-typecheck to skip this check.`,
      EXIT.usage,
    );
  }
  const read: Record<string, string> = {};
  for (const sf of program.getSourceFiles()) if (!program.isSourceFileDefaultLibrary(sf)) read[resolve(sf.fileName)] = sha(sf.text);
  cache.clean = { [key]: read };
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(cache));
    renameSync(tmp, cacheFile);
  } catch {
    // An unwritable cache only means the next run checks again.
  }
  return { checked: own.length, cached: false, ms: Date.now() - started };
}
