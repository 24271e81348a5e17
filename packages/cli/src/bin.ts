// The `podsec` executable: runs the command line and exits with its code (see main.ts for the
// command tree; tests import `run` from there without this side effect).
import { run } from './main.js';
import { processIO } from './io.js';
import { keepParsedSources } from './typecheck.js';

keepParsedSources(false);

process.exitCode = await run(process.argv.slice(2), processIO());
