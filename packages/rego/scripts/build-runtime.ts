// Builds packages/rego/.cache/runtime-*.wasm; run by src/wasm/runtime-sync.ts when the cache is cold.
import { runtimeModule } from '../src/wasm/runtime-build.js';

const r = await runtimeModule();
process.stdout.write(JSON.stringify({ bytes: r.wasm.length, planAddr: r.planAddr }) + '\n');
