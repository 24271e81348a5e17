import { Command, CommanderError, Option } from 'commander';
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

  const integer = (name: string) => (v: string) => {
    if (!/^\d+$/.test(v)) throw new CliError(`${name} takes a whole number, got "${v}"`, 2);
    return Number(v);
  };
  const collect = (v: string, prev: string[] = []) => [...prev, v];

  program
    .command('verify')
    .description('build (or load --build DIR), run every output in its engine over generated, random, user and PSA fixtures, and fail on any disagreement')
    .argument('[POLICY_DIR]', 'folder of policy modules', DEFAULT_POLICY_DIR)
    .option('--build <DIR>', 'verify an existing build directory (e.g. committed, possibly hand-edited outputs)')
    .option('--fixtures <PATH>', 'YAML/JSON resources to add as fixtures (repeatable; files or directories)', collect)
    .option('--random <N>', 'random Pods and controllers to generate (0 disables)', integer('--random'), 200)
    .option('--seed <S>', 'seed for the random fixtures (printed, so a run can be repeated)', integer('--seed'))
    .option('--psa <DIR>', 'Pod Security Admission fixtures (index.json); default ../shared/conformance/psa when present')
    .addOption(new Option('--format <FORMAT>', 'report format').choices(['text', 'json', 'junit', 'html']).default('text'))
    .option('--out <FILE>', 'write the report to FILE instead of stdout')
    .action(
      async (
        policyDir: string,
        opts: { build?: string; fixtures?: string[]; random: number; seed?: number; psa?: string; format: 'text' | 'json' | 'junit' | 'html'; out?: string },
      ) => {
        const { verifyCommand } = await import('./commands/verify.js');
        setExit(await verifyCommand({ policyDir, ...opts }, io));
      },
    );

  program
    .command('eval')
    .description('evaluate resources (files, directories, multi-document YAML, - for stdin) with every engine and print each verdict')
    .argument('<RESOURCE...>', 'resources to evaluate')
    .option('--policies <DIR>', `folder of policy modules (default: ${DEFAULT_POLICY_DIR})`)
    .option('--build <DIR>', 'use an existing build directory instead of policy sources')
    .addOption(new Option('--engine <ENGINE>', 'engine to run').choices(['rego', 'kyverno', 'vpol', 'vap', 'all']).default('all'))
    .addOption(new Option('--format <FORMAT>', 'output format').choices(['text', 'json']).default('text'))
    .action(
      async (
        resources: string[],
        opts: { policies?: string; build?: string; engine: 'rego' | 'kyverno' | 'vpol' | 'vap' | 'all'; format: 'text' | 'json' },
      ) => {
        const { evalCommand } = await import('./commands/eval.js');
        setExit(await evalCommand({ resources, ...opts }, io));
      },
    );

  program
    .command('pss')
    .description('Pod Security Admission helpers')
    .command('import')
    .description('write a policy module from a PodSecurity AdmissionConfiguration (and Namespace labels)')
    .argument('<ADMISSION_CONFIG>', 'AdmissionConfiguration (or PodSecurityConfiguration) YAML')
    .option('--namespaces <FILE>', 'Namespaces whose pod-security.kubernetes.io labels to honour')
    .requiredOption('--out <FILE>', 'TypeScript policy module to write')
    .option('--force', 'overwrite a file podsec did not generate')
    .action(async (config: string, opts: { namespaces?: string; out: string; force?: boolean }) => {
      const { pssCommand } = await import('./commands/pss.js');
      setExit(await pssCommand({ action: 'import', config, ...opts }, io));
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
