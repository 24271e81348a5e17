import { Command, CommanderError } from 'commander';
import { buildCommand, DEFAULT_OUT_DIR, DEFAULT_POLICY_DIR } from './commands/build.js';
import { PASSTHROUGH_COMMANDS } from './commands/passthrough.js';
import { CliError, processIO, type CommandIO } from './io.js';

/** Builds the command tree; `run` resolves to the exit code instead of exiting. */
export function createProgram(io: CommandIO, setExit: (code: number) => void): Command {
  const program = new Command('podsec')
    .description('Kubernetes Pod security policies as code: compile to Rego/Gatekeeper, Kyverno and ValidatingAdmissionPolicy, and prove they agree.')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run podsec --help for usage)');

  program
    .command('build')
    .description('compile the policies of POLICY_DIR for every target into DIR')
    .argument('[POLICY_DIR]', 'folder of policy modules', DEFAULT_POLICY_DIR)
    .option('-o, --out <DIR>', 'build directory', DEFAULT_OUT_DIR)
    .option('--check', 'exit non-zero, naming the files, when DIR differs from what the sources generate')
    .action(async (policyDir: string, opts: { out: string; check?: boolean }) => {
      setExit(await buildCommand({ policyDir, out: opts.out, check: Boolean(opts.check) }, io));
    });

  // Commands that parse their own arguments (they mirror `opa build`, `gator verify` and
  // `kyverno test`), registered here so `podsec --help` lists them.
  for (const [group, commands] of Object.entries(PASSTHROUGH_COMMANDS)) {
    const parent = program.command(group).description(`${group} commands`);
    for (const [name, spec] of Object.entries(commands)) {
      parent
        .command(name)
        .description(spec.description)
        .usage(spec.usage)
        .helpOption(false)
        .allowUnknownOption()
        .allowExcessArguments()
        .argument('[args...]')
        .action(async (args: string[]) => {
          setExit(await spec.run(args, io));
        });
    }
  }
  return program;
}

export async function run(argv: string[], io: CommandIO): Promise<number> {
  let code = 0;
  const program = createProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CliError) {
      io.stderr(`podsec: ${e.message}\n`);
      return e.exitCode;
    }
    io.stderr(`podsec: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 70;
  }
}

// Run when executed directly (bin/podsec.js or `tsx src/main.ts`), not when imported by tests.
const invokedDirectly = process.argv[1] !== undefined && /(?:^|[\\/])(?:main\.ts|podsec(?:\.js)?)$/.test(process.argv[1]);
if (invokedDirectly) {
  const code = await run(process.argv.slice(2), processIO());
  process.exitCode = code;
}
