// `podsec rego build -e pkg/rule [-e ...] -o policy.wasm FILES...`
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildWasm } from '../build-wasm.js';

export interface CommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
}

/** Node's fs errors may come from another realm (e.g. under jest), so do not rely on instanceof. */
export function messageOf(e: unknown): string {
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

const USAGE = 'usage: podsec rego build -e <pkg/rule> [-e <pkg/rule> ...] -o <policy.wasm> FILE.rego...';

export async function regoBuildCommand(argv: string[], io: CommandIo): Promise<number> {
  const entrypoints: string[] = [];
  const files: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-e' || a === '--entrypoint') entrypoints.push(argv[++i] ?? '');
    else if (a === '-o' || a === '--output') out = argv[++i];
    else if (a === '-h' || a === '--help') {
      io.stdout(USAGE + '\n');
      return 0;
    } else if (a.startsWith('-')) {
      io.stderr(`podsec rego build: unknown option ${a}\n${USAGE}\n`);
      return 2;
    } else files.push(a);
  }
  if (entrypoints.length === 0 || entrypoints.includes('') || !out || files.length === 0) {
    io.stderr(`podsec rego build: ${!out ? 'missing -o <file>' : files.length === 0 ? 'no Rego files given' : 'missing -e <pkg/rule>'}\n${USAGE}\n`);
    return 2;
  }
  try {
    const sources = files.map((f) => {
      try {
        return { path: f, text: readFileSync(resolve(io.cwd, f), 'utf8') };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const why = code === 'EISDIR' ? 'is a directory' : code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : messageOf(e);
        throw new Error(`${f}: ${why}. Fix: pass .rego files.`);
      }
    });
    const r = buildWasm(sources, { entrypoints });
    const target = resolve(io.cwd, out);
    const tmp = `${target}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, r.wasm);
      renameSync(tmp, target);
    } catch (e) {
      throw new Error(`cannot write ${out}: ${messageOf(e)}`);
    }
    const by = r.compiler === 'opa' ? `opa (${r.opaVersion})` : 'podsec';
    io.stdout(`wrote ${out} (${r.wasm.length} bytes, compiler: ${by}, entrypoints: ${entrypoints.join(', ')})\n`);
    return 0;
  } catch (e) {
    io.stderr(`podsec rego build: ${messageOf(e)}\n`);
    return 1;
  }
}
