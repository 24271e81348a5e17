// compileRego is synchronous, but asc only runs asynchronously: on a cold cache we build the
// runtime in a child process (tsx) and block until it has written the cache.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cachedRuntime, packageRoot, type RuntimeModule } from './runtime-build.js';

const require = createRequire(import.meta.url);

export function runtimeModuleSync(): RuntimeModule {
  const hit = cachedRuntime();
  if (hit) return hit;
  const tsx = require.resolve('tsx');
  try {
    execFileSync(process.execPath, ['--import', tsx, join(packageRoot, 'scripts', 'build-runtime.ts')], {
      cwd: packageRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`podsec: building the Rego Wasm runtime failed: ${err.stderr?.toString() ?? err.message}`);
  }
  const built = cachedRuntime();
  if (!built) throw new Error('podsec: the Rego Wasm runtime build finished but left no cache entry in packages/rego/.cache');
  return built;
}
