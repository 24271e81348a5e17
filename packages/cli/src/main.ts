import { PODSEC_VERSION } from '@podsec/compilers';
import { Command, CommanderError, Option } from 'commander';
import { buildCommand, DEFAULT_OUT_DIR, DEFAULT_POLICY_DIR } from './commands/build.js';
import { PASSTHROUGH_COMMANDS } from './commands/passthrough.js';
import { CliError, EXIT, type CommandIO } from './io.js';

const EXIT_CODES_HELP = `
Exit codes:
  0   clean: no violation, no disagreement, outputs up to date
  1   findings: violations (eval), disagreements (verify), stale outputs (build --check)
  2   usage or load error: bad arguments, unreadable input, policy modules with type errors
  70  internal error in podsec (please report it)

Paths are relative to the directory you run podsec from.`;

const collect = (v: string, prev: string[] = []) => [...prev, v];
const policyOption = () => new Option('--policy <NAME>', 'only this policy (repeatable; globs such as pss-* allowed)').argParser(collect);
const noTypecheckOption = () => new Option('--no-typecheck', 'skip type-checking the policy modules with the TypeScript compiler (faster, less safe)');

/** Builds the command tree; `run` resolves to the exit code instead of exiting. */
export function createProgram(io: CommandIO, setExit: (code: number) => void): Command {
  const program = new Command('podsec')
    .description('Kubernetes Pod security policies as code: compile to Rego/Gatekeeper, Kyverno and ValidatingAdmissionPolicy, and prove they agree.')
    .version(PODSEC_VERSION, '-V, --version', 'print the podsec version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run podsec --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);

  program
    .command('init')
    .description('scaffold a policy repository: an example policy, tsconfig.json, package.json scripts, CI jobs (never overwrites a file)')
    .argument('[DIR]', 'directory to scaffold (created if missing)', '.')
    .action(async (dir: string) => {
      const { initCommand } = await import('./commands/init.js');
      setExit(await initCommand({ dir }, io));
    });

  program
    .command('build')
    .description('compile the policies of POLICY_DIR for every target into DIR')
    .argument('[POLICY_DIR]', 'folder of policy modules', DEFAULT_POLICY_DIR)
    .option('-o, --out <DIR>', 'build directory', DEFAULT_OUT_DIR)
    .option('--check', 'exit 1, naming the files, when DIR differs from what the sources generate')
    .addOption(new Option('--diff', 'with --check: print a unified diff of each changed file (default on a terminal)'))
    .addOption(new Option('--no-diff', 'with --check: never print the diff'))
    .addOption(
      new Option(
        '--kyverno-controllers <MODE>',
        "Kyverno ClusterPolicy Pod controllers: 'autogen' writes the Pod rules and lets Kyverno generate the controller rules; " +
          "'explicit' writes every controller rule (autogen off). A policy autogen cannot cover faithfully is written explicitly, with a comment saying why",
      )
        .choices(['autogen', 'explicit'])
        .default('autogen'),
    )
    .addOption(policyOption())
    .addOption(noTypecheckOption())
    .action(
      async (
        policyDir: string,
        opts: { out: string; check?: boolean; diff?: boolean; policy?: string[]; typecheck: boolean; kyvernoControllers: 'autogen' | 'explicit' },
      ) => {
        setExit(await buildCommand({ policyDir, ...opts, check: Boolean(opts.check) }, io));
      },
    );

  const integer = (name: string) => (v: string) => {
    if (!/^\d+$/.test(v)) throw new CliError(`${name} takes a whole number, got "${v}"`, EXIT.usage);
    return Number(v);
  };
  const seed = (v: string) => (v === 'random' ? ('random' as const) : integer('--seed')(v));

  program
    .command('verify')
    .description('build (or load --build DIR), run every output in its engine over generated, random, user and PSA fixtures, and fail on any disagreement')
    .argument('[POLICY_DIR]', 'folder of policy modules', DEFAULT_POLICY_DIR)
    .option('--build <DIR>', 'verify an existing build directory (e.g. committed, possibly hand-edited outputs)')
    .option('--fixtures <PATH>', 'YAML/JSON resources or AdmissionReviews to add as fixtures (repeatable; files or directories)', collect)
    .option('--namespaces <FILE>', 'Namespace objects whose labels the fixtures see (namespaceSelector; repeatable)', collect)
    .option('--random <N>', 'random Pods and controllers to generate (0 disables)', integer('--random'), 200)
    .option('--seed <S>', 'seed for the random fixtures (default 1, so runs repeat; "random" picks one and prints it)', seed)
    .option('--psa <DIR>', 'Pod Security Admission fixtures (index.json); default ../shared/conformance/psa when present')
    .option('--workers <N>', 'worker threads besides the main one (default: one per extra CPU; 0 runs every engine in one thread)', integer('--workers'))
    .addOption(new Option('--format <FORMAT>', 'report format').choices(['text', 'json', 'junit', 'html', 'sarif']).default('text'))
    .option('--out <FILE>', 'write the report to FILE instead of stdout')
    .addOption(policyOption())
    .addOption(noTypecheckOption())
    .action(async (policyDir: string, opts: Omit<import('./commands/verify.js').VerifyCommandOptions, 'policyDir'>) => {
      const { verifyCommand } = await import('./commands/verify.js');
      setExit(await verifyCommand({ policyDir, ...opts }, io));
    });

  program
    .command('eval')
    .description('evaluate resources (files, directories, multi-document YAML, - for stdin) with every engine and print each verdict')
    .argument('<RESOURCE...>', 'resources to evaluate')
    .option('--policies <DIR>', `folder of policy modules (default ${DEFAULT_POLICY_DIR})`)
    .option('--build <DIR>', 'use an existing build directory instead of policy sources')
    .addOption(new Option('--engine <ENGINE>', 'engine to run').choices(['rego', 'gatekeeper', 'kyverno', 'vpol', 'vap', 'all']).default('all'))
    .addOption(new Option('--format <FORMAT>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('--namespaces <FILE>', 'Namespace objects whose labels the resources see (namespaceSelector; repeatable)', collect)
    .addOption(policyOption())
    .addOption(noTypecheckOption())
    .action(async (resources: string[], opts: Omit<import('./commands/eval.js').EvalCommandOptions, 'resources'>) => {
      const { evalCommand } = await import('./commands/eval.js');
      setExit(await evalCommand({ resources, ...opts }, io));
    });

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

  program
    .command('import')
    .description('import existing policies into a podsec policy module')
    .command('gatekeeper')
    .description('write a policy module from gatekeeper-library Pod Security Policy Constraints (K8sPSP… kinds)')
    .argument('<CONSTRAINT...>', 'Constraint YAML files (several documents or a List per file allowed)')
    .requiredOption('--out <FILE>', 'TypeScript policy module to write')
    .option('--force', 'overwrite a file podsec did not generate')
    .action(async (files: string[], opts: { out: string; force?: boolean }) => {
      const { importGatekeeperCommand } = await import('./commands/import-gatekeeper.js');
      setExit(await importGatekeeperCommand({ files, ...opts }, io));
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
  let code: number = EXIT.ok;
  const program = createProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (e instanceof CliError) {
      io.stderr(`podsec: ${e.message}\n`);
      return e.exitCode;
    }
    io.stderr(`podsec: internal error (please report it with the command you ran): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.internal;
  }
}
