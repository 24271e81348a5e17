/**
 * Runs the podsec CLI in this (child) process and reports its exit code and peak memory on the
 * last stderr line, so tests can bound memory without trusting the process under test.
 */
import { processIO } from '../../../packages/cli/src/io.js';
import { run } from '../../../packages/cli/src/main.js';

const code = await run(process.argv.slice(2), processIO());
process.stderr.write(`\n@@measure ${JSON.stringify({ code, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
process.exitCode = code;
