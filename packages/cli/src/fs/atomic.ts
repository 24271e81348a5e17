import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A temporary name beside `path`; `TEMP_FILE` in output-dir.ts recognises it. */
const tempName = (path: string) => `${path}.podsec-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;

/**
 * Writes a file so that readers see either the old or the new content, never half of it:
 * a temporary file in the same directory, then rename (atomic on POSIX file systems).
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  writeFilesAtomic([{ path, content }]);
}

/**
 * Writes every file aside first, then renames them into place in order (callers put the file
 * readers trust, the manifest, last). A failure while writing aside leaves the old files untouched
 * and removes the temporary ones.
 */
export function writeFilesAtomic(files: readonly { path: string; content: string | Uint8Array }[]): void {
  const staged: [tmp: string, path: string][] = [];
  let renamed = 0;
  try {
    for (const f of files) {
      mkdirSync(dirname(f.path), { recursive: true });
      const tmp = tempName(f.path);
      staged.push([tmp, f.path]);
      writeFileSync(tmp, f.content, { flag: 'wx' });
    }
    for (; renamed < staged.length; renamed++) renameSync(...staged[renamed]!);
  } catch (e) {
    for (const [tmp] of staged.slice(renamed)) rmSync(tmp, { force: true });
    throw e;
  }
}
