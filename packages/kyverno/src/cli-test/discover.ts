/** Finding `kyverno-test.yaml` declarations below the given paths, hidden `.kyverno-test/` folders included. */
import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

export const TEST_FILE_NAME = 'kyverno-test.yaml';

export function discoverTestFiles(paths: readonly string[], cwd: string): string[] {
  const found: string[] = [];
  const walk = (p: string): void => {
    for (const entry of readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(p, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules' || entry.name === '.git') continue;
        walk(full);
      } else if (entry.name === TEST_FILE_NAME) found.push(full);
    }
  };
  for (const raw of paths) {
    const p = resolve(cwd, raw);
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new Error(`${raw}: no such file or directory. Pass a folder that contains ${TEST_FILE_NAME} files, or such a file`);
    }
    if (st.isDirectory()) walk(p);
    else if (basename(p).endsWith('.yaml') || basename(p).endsWith('.yml')) found.push(p);
    else throw new Error(`${raw}: not a YAML test file. Pass a folder or a ${TEST_FILE_NAME} file`);
  }
  return [...new Set(found)];
}

/** Every YAML file a `policies:`/`resources:` entry names: the file itself, or the YAML files of a folder. */
export function expandInputPath(path: string): string[] {
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .filter((n) => n.endsWith('.yaml') || n.endsWith('.yml') || n.endsWith('.json'))
    .sort()
    .map((n) => join(path, n));
}
