import { readSync } from 'node:fs';
import { FixtureLoadError } from '../fixtures/errors.js';
import { INPUT_LIMITS, mib, type InputLimits } from './limits.js';

/** Reads a descriptor to its end, refusing more than `limit` bytes (stdin and pipes have no size). */
export function readBounded(fd: number, limit: number, shown: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(1 << 20);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((e as NodeJS.ErrnoException).code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    total += n;
    if (total > limit) throw new FixtureLoadError(`${shown}: more than the ${mib(limit)} input limit. Fix: split it into smaller files.`);
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

/** All of a descriptor (stdin) as text, within the input limit. */
export function readInputText(fd: number, shown: string, limits: InputLimits = INPUT_LIMITS): string {
  return decode(readBounded(fd, limits.maxFileBytes, shown), shown);
}

/** UTF-8 text, or a one-line refusal that never echoes binary content. */
export function decode(bytes: Buffer, shown: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new FixtureLoadError(`${shown}: binary content (a NUL byte at offset ${nul}), not YAML or JSON. Fix: pass Kubernetes manifests as text.`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FixtureLoadError(`${shown}: not UTF-8 text, so not YAML or JSON. Fix: pass Kubernetes manifests saved as UTF-8.`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
