// Builds the Rego→Wasm evaluator runtime (AssemblyScript, cached under packages/rego/.cache) once,
// before jest starts its workers, so that parallel test files do not each build it on a cold cache.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function globalSetup() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const tsx = createRequire(import.meta.url).resolve('tsx');
  execFileSync(process.execPath, ['--import', tsx, join(root, 'packages', 'rego', 'scripts', 'build-runtime.ts')], {
    cwd: join(root, 'packages', 'rego'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
