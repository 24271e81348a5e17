/**
 * A build directory is shared with its owner: podsec writes only the files it generates, deletes
 * only files it can prove it wrote (listed in the previous manifest.json with the same content
 * hash, regular files reached without following a symbolic link), and reports everything else.
 */
import { lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { MANIFEST_FILE, sha256, type GeneratedFile } from '@podsec/compilers';
import { CliError } from '../io.js';

/** Sub-directories podsec owns inside a build directory; files found there are reported, never guessed at. */
export const OWNED_DIRS = ['ir', 'docs', 'rego', 'gatekeeper', 'kyverno', 'kyverno-vpol', 'vap'] as const;
/** Temporary files of `writeFileAtomic`; any found under the lock are leftovers of a killed build. */
export const TEMP_FILE = /\.podsec-\d+-[0-9a-f]{8}\.tmp$/;

export interface OutputPlan {
  /** New or changed files. */
  changed: GeneratedFile[];
  unchanged: string[];
  /** Files podsec wrote for policies that no longer exist, unmodified since: removed. */
  stale: string[];
  /** Files in podsec's folders that this build does not produce and podsec cannot prove it wrote: kept. */
  kept: { path: string; reason: string }[];
}

type Entry = 'file' | 'dir' | 'symlink' | 'other' | 'missing';

function entryAt(path: string): Entry {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) return 'missing';
  return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
}

/** A manifest path that stays inside the directory (no absolute path, no `..`). */
const insideOut = (rel: string) => !isAbsolute(rel) && !normalize(rel).split(sep).includes('..') && normalize(rel) === rel.split('/').join(sep);

/** What stands at `rel` inside `outDir`, refusing to look through a symbolic link on the way. */
function reach(outDir: string, rel: string): { entry: Entry; blocker?: { path: string; entry: Entry } } {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const sub = parts.slice(0, i).join('/');
    const entry = entryAt(join(outDir, sub));
    if (entry === 'missing') return { entry: 'missing' };
    if (entry !== 'dir') return { entry: 'missing', blocker: { path: sub, entry } };
  }
  return { entry: entryAt(join(outDir, rel)) };
}

/** Regular files below `dir` (relative, `/`-separated); symbolic links are listed, never followed. */
function listEntries(outDir: string, rel: string, out: { path: string; entry: Entry }[] = []): { path: string; entry: Entry }[] {
  const entry = entryAt(join(outDir, rel));
  if (entry !== 'dir') {
    if (entry !== 'missing') out.push({ path: rel, entry });
    return out;
  }
  for (const name of readdirSync(join(outDir, rel)).sort()) listEntries(outDir, `${rel}/${name}`, out);
  return out;
}

/** The hashes the previous build recorded, or none when there is no readable podsec manifest. */
function previousHashes(outDir: string): Record<string, string> {
  if (entryAt(join(outDir, MANIFEST_FILE)) !== 'file') return {};
  try {
    const m = JSON.parse(readFileSync(join(outDir, MANIFEST_FILE), 'utf8')) as { sha256?: unknown };
    if (typeof m.sha256 !== 'object' || m.sha256 === null) return {};
    return Object.fromEntries(Object.entries(m.sha256).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

const ENTRY_WORDS: Record<Entry, string> = { file: 'a file', dir: 'a directory', symlink: 'a symbolic link', other: 'a special file', missing: 'missing' };

/** Refuses, before anything is written, a path podsec cannot write without touching something else. */
function checkWritable(outDir: string, shown: string, files: readonly GeneratedFile[]): void {
  for (const f of files) {
    const { entry, blocker } = reach(outDir, f.path);
    if (blocker)
      throw new CliError(
        `${join(shown, blocker.path)}: is ${ENTRY_WORDS[blocker.entry]}, but podsec writes ${f.path} inside it and needs a directory there${blocker.entry === 'symlink' ? ' (podsec never writes through symbolic links)' : ''}. Fix: move it away, or choose another --out.`,
      );
    if (entry !== 'missing' && entry !== 'file')
      throw new CliError(
        `${join(shown, f.path)}: is ${ENTRY_WORDS[entry]}, where podsec writes a generated file${entry === 'symlink' ? ' (podsec never writes through symbolic links)' : ''}. Fix: move it away, or choose another --out.`,
      );
  }
}

export function planOutput(outDir: string, files: readonly GeneratedFile[], shown = outDir): OutputPlan {
  checkWritable(outDir, shown, files);
  const wanted = new Set(files.map((f) => f.path));
  const changed: GeneratedFile[] = [];
  const unchanged: string[] = [];
  for (const f of files) {
    const path = join(outDir, f.path);
    if (entryAt(path) === 'file' && readFileSync(path, 'utf8') === f.content) unchanged.push(f.path);
    else changed.push(f);
  }
  const recorded = previousHashes(outDir);
  const stale: string[] = [];
  const kept: OutputPlan['kept'] = [];
  for (const [rel, hash] of Object.entries(recorded).sort()) {
    if (wanted.has(rel)) continue;
    if (!insideOut(rel)) {
      kept.push({ path: rel, reason: 'the previous manifest names it outside the build directory' });
      continue;
    }
    const { entry, blocker } = reach(outDir, rel);
    if (blocker) kept.push({ path: rel, reason: `${blocker.path} is ${ENTRY_WORDS[blocker.entry]}, not podsec's directory` });
    else if (entry === 'file') {
      if (sha256(readFileSync(join(outDir, rel))) === hash) stale.push(rel);
      else kept.push({ path: rel, reason: 'changed since podsec wrote it' });
    } else if (entry !== 'missing') kept.push({ path: rel, reason: `${ENTRY_WORDS[entry]}, not what podsec wrote` });
  }
  for (const dir of OWNED_DIRS)
    for (const e of listEntries(outDir, dir)) {
      if (wanted.has(e.path) || Object.hasOwn(recorded, e.path) || TEMP_FILE.test(e.path)) continue;
      kept.push({ path: e.path, reason: 'not listed in the previous manifest.json' });
    }
  return { changed, unchanged, stale, kept };
}

/** Leftover temporary files of a killed build (only called while holding the directory's lock). */
export function removeLeftoverTemps(outDir: string): string[] {
  const found = ['.', ...OWNED_DIRS].flatMap((d) =>
    d === '.'
      ? readdirSync(outDir)
          .filter((n) => TEMP_FILE.test(n))
          .map((n) => ({ path: n, entry: entryAt(join(outDir, n)) }))
      : listEntries(outDir, d),
  );
  const removed = found.filter((e) => e.entry === 'file' && TEMP_FILE.test(e.path)).map((e) => e.path);
  for (const rel of removed) rmSync(join(outDir, rel));
  return removed;
}

/** Removes the stale files of a plan (re-checked: still regular files with the recorded content). */
export function removeStale(outDir: string, plan: OutputPlan): void {
  for (const rel of plan.stale) if (reach(outDir, rel).entry === 'file') rmSync(join(outDir, rel));
}
