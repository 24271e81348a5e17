import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A temporary name beside `path`; `TEMP_FILE` in output-dir.ts recognises it. One random draw per
 * batch, counted up per file: a build of 1,000 policies writes 8,000 files.
 */
const tempName = (path: string, token: number) => `${path}.podsec-${process.pid}-${(token >>> 0).toString(16).padStart(8, '0')}.tmp`;

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
  const token = randomBytes(4).readUInt32BE(0);
  // Most files share a handful of directories: each is made once, not once per file.
  const made = new Set<string>();
  try {
    for (const [i, f] of files.entries()) {
      const dir = dirname(f.path);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      const tmp = tempName(f.path, token + i);
      staged.push([tmp, f.path]);
      writeFileSync(tmp, f.content, { flag: 'wx' });
    }
    for (; renamed < staged.length; renamed++) renameSync(...staged[renamed]!);
  } catch (e) {
    for (const [tmp] of staged.slice(renamed)) rmSync(tmp, { force: true });
    throw e;
  }
}
