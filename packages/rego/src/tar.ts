// Just enough of (ustar) tar to pull one file out of an OPA bundle.
import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

function field(block: Uint8Array, start: number, len: number): string {
  const raw = block.subarray(start, start + len);
  const end = raw.indexOf(0);
  return new TextDecoder().decode(end < 0 ? raw : raw.subarray(0, end));
}

/** Returns the contents of `wanted` (leading "/" and "./" ignored), or undefined if absent. */
export function extractTarGzFile(gz: Uint8Array, wanted: string): Uint8Array | undefined {
  const tar = gunzipSync(gz);
  const norm = (p: string) => p.replace(/^\.?\//, '');
  const target = norm(wanted);
  let at = 0;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return undefined;
    const prefix = field(header, 345, 155);
    const name = (prefix ? prefix + '/' : '') + field(header, 0, 100);
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 48);
    const body = at + BLOCK;
    if ((type === '0' || type === '\0') && norm(name) === target) return new Uint8Array(tar.subarray(body, body + size));
    at = body + Math.ceil(size / BLOCK) * BLOCK;
  }
  return undefined;
}

/** Writes a minimal ustar archive (used by tests to fake `opa build`). */
export function createTar(files: { name: string; data: Uint8Array }[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const f of files) {
    const h = new Uint8Array(BLOCK);
    const put = (s: string, start: number) => h.set(new TextEncoder().encode(s), start);
    put(f.name, 0);
    put('0000644\0', 100);
    put('0000000\0', 108);
    put('0000000\0', 116);
    put(f.data.length.toString(8).padStart(11, '0') + '\0', 124);
    put('00000000000\0', 136);
    put('        ', 148);
    h[156] = 48;
    put('ustar\0' + '00', 257);
    const sum = h.reduce((a, b) => a + b, 0);
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    chunks.push(h, f.data, new Uint8Array((BLOCK - (f.data.length % BLOCK)) % BLOCK));
  }
  chunks.push(new Uint8Array(BLOCK * 2));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
