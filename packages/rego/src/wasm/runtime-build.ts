// Builds the evaluator runtime (assembly/*.ts, AssemblyScript) into an OPA-ABI module once, then
// memoises it in memory and on disk under packages/rego/.cache/ keyed by a hash of the sources and
// the compiler version, so per-policy compilation only has to link a plan into it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// binaryen is only needed when the runtime is (re)built; importing it costs ~500 MiB of memory,
// so it is loaded on demand rather than by everything that compiles Rego.
type Binaryen = typeof import('binaryen').default;
type BinaryenModule = ReturnType<Binaryen['readBinary']>;
const loadBinaryen = async (): Promise<Binaryen> => (await import('binaryen')).default;

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const assemblyDir = join(packageRoot, 'assembly');
const cacheDir = join(packageRoot, '.cache');
const require = createRequire(import.meta.url);

/** The stub allocator's bump pointer, as named in the debug name section asc emits. */
const HEAP_GLOBAL = '~lib/rt/stub/offset';

/** `--debug` keeps the name section, which addAbiGlue needs to find the allocator's global. */
const ascFlags = (optimize: string) => [
  '--runtime',
  'stub',
  '--importMemory',
  '--noExportMemory',
  '--use',
  'abort=index/abortHandler',
  '--enable',
  'simd',
  optimize,
  '--debug',
  '--outFile',
  'runtime.wasm',
];

/** Measured in bench/rego-wasm.ts: -O3 evaluates faster than -O0 and the build is cached anyway. */
const DEFAULT_OPTIMIZE = '-O3';
const ASC_FLAGS = ascFlags(DEFAULT_OPTIMIZE);

export interface RuntimeModule {
  wasm: Uint8Array;
  /** Where the linker must place the plan (matches PLAN_ADDR in assembly/index.ts). */
  planAddr: number;
}

let memo: RuntimeModule | undefined;

function sourceHash(): string {
  const h = createHash('sha256');
  const ascPkg = JSON.parse(readFileSync(require.resolve('assemblyscript/package.json'), 'utf8')) as { version: string };
  h.update(`asc ${ascPkg.version} ${ASC_FLAGS.join(' ')}\n`);
  for (const f of readdirSync(assemblyDir)
    .filter((n) => n.endsWith('.ts'))
    .sort()) {
    h.update(f).update(readFileSync(join(assemblyDir, f)));
  }
  return h.digest('hex').slice(0, 16);
}

async function compileAssemblyScript(flags: string[]): Promise<Uint8Array> {
  const asc = (await import('assemblyscript/asc')) as unknown as {
    main(argv: string[], options: Record<string, unknown>): Promise<{ error: Error | null; stderr: { toString(): string } }>;
  };
  let output: Uint8Array | undefined;
  const { error, stderr } = await asc.main(['index.ts', ...flags], {
    readFile: (name: string, baseDir: string) => {
      const path = resolve(assemblyDir, baseDir ?? '.', name);
      return existsSync(path) ? readFileSync(path, 'utf8') : null;
    },
    writeFile: (name: string, contents: Uint8Array | string) => {
      if (name.endsWith('.wasm') && typeof contents !== 'string') output = contents;
    },
    listFiles: () => [],
  });
  if (error || !output) {
    throw new Error(`podsec: building the Rego runtime (packages/rego/assembly) failed: ${error?.message ?? 'no output'}\n${stderr.toString()}`);
  }
  return output;
}

function findFunctionByExport(binaryen: Binaryen, m: BinaryenModule, exportName: string): string {
  const ref = m.getExport(exportName);
  if (!ref) throw new Error(`podsec runtime: export ${exportName} missing`);
  return binaryen.getExportInfo(ref).value;
}

/** Adds the heap-pointer exports and the ABI-1.2 opa_eval wrapper that moves the heap first. */
function addAbiGlue(binaryen: Binaryen, bytes: Uint8Array): Uint8Array {
  // asc's default features (bulk memory, sign extension, ...) and SIMD (json.ts scans strings 16
  // bytes at a time; every engine the SDK runs in has it); never CompactImports and other post-MVP
  // encodings Node 20 cannot load.
  const m = binaryen.readBinary(bytes);
  const F = binaryen.Features;
  m.setFeatures(F.MVP | F.MutableGlobals | F.NontrappingFPToInt | F.BulkMemory | F.BulkMemoryOpt | F.SignExt | F.SIMD128);
  try {
    let found = false;
    for (let i = 0; i < m.getNumGlobals(); i++) {
      if (binaryen.getGlobalInfo(m.getGlobalByIndex(i)).name === HEAP_GLOBAL) found = true;
    }
    if (!found) throw new Error(`podsec runtime: allocator global ${HEAP_GLOBAL} not found; the AssemblyScript stub runtime changed`);
    const { i32, none } = binaryen;
    // Keep block payloads 16-byte aligned as the stub allocator assumes: offset = align16(p + 4) - 4.
    const aligned = (local: number) => m.i32.sub(m.i32.and(m.i32.add(m.local.get(local, i32), m.i32.const(19)), m.i32.const(~15)), m.i32.const(4));
    m.addFunction('opa_heap_ptr_get', none, i32, [], m.global.get(HEAP_GLOBAL, i32));
    m.addFunction('opa_heap_ptr_set', i32, none, [], m.global.set(HEAP_GLOBAL, aligned(0)));
    m.addFunctionExport('opa_heap_ptr_get', 'opa_heap_ptr_get');
    m.addFunctionExport('opa_heap_ptr_set', 'opa_heap_ptr_set');
    const inner = findFunctionByExport(binaryen, m, 'podsec_eval');
    const params = binaryen.createType([i32, i32, i32, i32, i32, i32, i32]);
    m.addFunction(
      'opa_eval',
      params,
      i32,
      [],
      m.block(
        null,
        [
          m.global.set(HEAP_GLOBAL, aligned(5)),
          m.return(m.call(inner, [m.local.get(1, i32), m.local.get(2, i32), m.local.get(3, i32), m.local.get(4, i32)], i32)),
        ],
        i32,
      ),
    );
    m.addFunctionExport('opa_eval', 'opa_eval');
    m.removeExport('podsec_eval');
    if (!m.validate()) throw new Error('podsec runtime: module failed validation after adding ABI glue');
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

/** The slice of the WebAssembly JS API used here (the repo's lib settings omit its typings). */
interface WasmApi {
  Memory: new (d: { initial: number }) => unknown;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

async function planAddressOf(wasm: Uint8Array): Promise<number> {
  const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  // Instantiating with a zeroed memory runs the start function with an empty plan (length 0).
  const memory = new WA.Memory({ initial: 5 });
  const fail = () => {
    throw new Error('podsec runtime: unexpected host call while probing');
  };
  const env = {
    memory,
    opa_abort: fail,
    opa_println: fail,
    opa_builtin0: fail,
    opa_builtin1: fail,
    opa_builtin2: fail,
    opa_builtin3: fail,
    opa_builtin4: fail,
  };
  const { instance } = await WA.instantiate(wasm, { env });
  return (instance.exports.podsec_plan_addr as () => number)();
}

function cachePaths(): { wasmPath: string; metaPath: string } {
  const key = sourceHash();
  return { wasmPath: join(cacheDir, `runtime-${key}.wasm`), metaPath: join(cacheDir, `runtime-${key}.json`) };
}

/** The cached runtime, or undefined when it has not been built for the current sources. */
export function cachedRuntime(): RuntimeModule | undefined {
  if (memo) return memo;
  const { wasmPath, metaPath } = cachePaths();
  if (!existsSync(wasmPath) || !existsSync(metaPath)) return undefined;
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { planAddr: number };
  memo = { wasm: new Uint8Array(readFileSync(wasmPath)), planAddr: meta.planAddr };
  return memo;
}

const LOCK_STALE_MS = 10 * 60_000;

/**
 * Only one process builds at a time (jest runs test files in parallel workers); the others wait
 * for the cache entry to appear. A lock older than LOCK_STALE_MS is assumed abandoned.
 */
async function withBuildLock<T>(build: () => Promise<T>, ready: () => T | undefined): Promise<T> {
  mkdirSync(cacheDir, { recursive: true });
  const lock = join(cacheDir, 'build.lock');
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const done = ready();
      if (done) return done;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if (age > LOCK_STALE_MS) rmSync(lock, { force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return ready() ?? (await build());
  } finally {
    rmSync(lock, { force: true });
  }
}

/** The runtime module, built on first use (10 s to 2 min with -O3 on a busy 2-core machine) and cached on disk. */
export async function runtimeModule(): Promise<RuntimeModule> {
  const hit = cachedRuntime();
  if (hit) return hit;
  return withBuildLock(buildAndCache, cachedRuntime);
}

/** Builds the runtime without touching the cache (bench/rego-wasm.ts compares optimisation levels). */
export async function buildRuntime(optimize: '-O0' | '-O1' | '-O2' | '-O3' | '-Os' | '-Oz' = DEFAULT_OPTIMIZE): Promise<RuntimeModule> {
  const wasm = addAbiGlue(await loadBinaryen(), await compileAssemblyScript(ascFlags(optimize)));
  return { wasm, planAddr: await planAddressOf(wasm) };
}

async function buildAndCache(): Promise<RuntimeModule> {
  const { wasmPath, metaPath } = cachePaths();
  const { wasm, planAddr } = await buildRuntime();
  mkdirSync(cacheDir, { recursive: true });
  // Write-then-rename so that concurrent jest workers never read a half-written cache entry.
  const tmp = `${wasmPath}.${process.pid}.tmp`;
  writeFileSync(tmp, wasm);
  renameSync(tmp, wasmPath);
  writeFileSync(`${metaPath}.${process.pid}.tmp`, JSON.stringify({ planAddr }));
  renameSync(`${metaPath}.${process.pid}.tmp`, metaPath);
  // Entries for older runtime sources are dead weight; drop them.
  for (const f of readdirSync(cacheDir)) {
    if (/^runtime-[0-9a-f]+\.(wasm|json)$/.test(f) && !wasmPath.endsWith(f) && !metaPath.endsWith(f)) rmSync(join(cacheDir, f), { force: true });
  }
  memo = { wasm, planAddr };
  return memo;
}
