/**
 * `podsec init [DIR]`: scaffolds a policy repository — an example policy, a tsconfig.json that
 * gives editors completion and type errors, package.json scripts, and CI jobs (GitHub Actions,
 * GitLab CI) that run `podsec build --check` and `podsec verify`. Works in an empty directory or
 * extends an existing package.json; never overwrites a file the user has.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { PODSEC_VERSION } from '@podsec/compilers';
import { writeFileAtomic } from '../fs/atomic.js';
import { CliError, EXIT, type CommandIO } from '../io.js';

export interface InitOptions {
  /** Directory to scaffold, relative to the user's cwd (default `.`). */
  dir?: string;
}

export const INIT_SCRIPTS: Readonly<Record<string, string>> = {
  'policies:build': 'podsec build policies --out generated',
  'policies:check': 'podsec build policies --out generated --check',
  'policies:verify': 'podsec verify policies',
};

const EXAMPLE_POLICY = `import { all, definePolicy, effective, pod } from 'podsec';

// One policy per module (or export an array). \`podsec build\` compiles it to Rego/Gatekeeper,
// Kyverno and ValidatingAdmissionPolicy; \`podsec verify\` proves every engine decides alike.
export default definePolicy({
  name: 'require-run-as-non-root',
  title: 'Require runAsNonRoot',
  severity: 'high',
  mode: 'enforce',
  rules: [
    {
      id: 'run-as-non-root',
      // Reported as \`runAsNonRoot != true (containers "a", "b" must set …)\`, naming the containers at fault.
      message: 'runAsNonRoot != true',
      detail: 'must set securityContext.runAsNonRoot=true, or inherit it from the pod',
      // The pod may not say false; each container's effective value (its own, else the pod's) must be true.
      require: all(pod('runAsNonRoot').optional.equals(true), effective('runAsNonRoot').equals(true)),
    },
  ],
});
`;

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022'],
      module: 'ESNext',
      moduleResolution: 'Bundler',
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      types: [],
    },
    include: ['policies/**/*.ts'],
  },
  null,
  2,
)}\n`;

const GITHUB_WORKFLOW = `# podsec: the committed outputs match the policies, and every engine agrees.
name: podsec
on:
  push:
  pull_request:
jobs:
  policies:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm install
      - run: npx podsec build policies --out generated --check
      - run: npx podsec verify policies
`;

const GITLAB_CI = `# podsec: the committed outputs match the policies, and every engine agrees.
podsec:
  image: node:20
  script:
    - npm install
    - npx podsec build policies --out generated --check
    - npx podsec verify policies
`;

interface PackageJson {
  name?: string;
  type?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

const packageName = (dir: string) =>
  basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9-._~]/g, '-')
    .replace(/^[-._]+/, '') || 'policies';

function readPackageJson(path: string, shown: string): PackageJson {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as PackageJson;
  } catch (e) {
    throw new CliError(`${shown}: not valid JSON (${(e as Error).message}). Fix: correct package.json, then run podsec init again.`);
  }
  throw new CliError(`${shown}: expected a JSON object. Fix: correct package.json, then run podsec init again.`);
}

export async function initCommand(options: InitOptions, io: CommandIO): Promise<number> {
  const root = resolve(io.cwd, options.dir ?? '.');
  const shown = (p: string) => relative(io.cwd, p).split(sep).join('/') || '.';
  if (existsSync(root) && !statSync(root).isDirectory()) throw new CliError(`${shown(root)}: not a directory. Fix: pass a directory to scaffold.`);
  const report: string[] = [];
  /** Creates `rel` with `text` unless it exists: the user's file always wins. */
  const create = (rel: string, text: string) => {
    const path = join(root, rel);
    if (existsSync(path)) {
      report.push(`  kept     ${shown(path)} (exists)`);
      return;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, { flag: 'wx' });
    report.push(`  created  ${shown(path)}`);
  };
  mkdirSync(root, { recursive: true });

  const pkgPath = join(root, 'package.json');
  const existing = existsSync(pkgPath);
  const pkg: PackageJson = existing ? readPackageJson(pkgPath, shown(pkgPath)) : { name: packageName(root), private: true, type: 'module' };
  const added: string[] = [];
  const scripts = { ...pkg.scripts };
  for (const [name, command] of Object.entries(INIT_SCRIPTS))
    if (!(name in scripts)) {
      scripts[name] = command;
      added.push(`scripts.${name}`);
    }
  pkg.scripts = scripts;
  if (!pkg.dependencies?.podsec && !pkg.devDependencies?.podsec) {
    pkg.devDependencies = { ...pkg.devDependencies, podsec: `^${PODSEC_VERSION}` };
    added.push('devDependencies.podsec');
  }
  if (!existing || added.length) {
    writeFileAtomic(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
    report.push(existing ? `  extended ${shown(pkgPath)} (${added.join(', ')})` : `  created  ${shown(pkgPath)}`);
  } else report.push(`  kept     ${shown(pkgPath)} (already set up)`);

  create('policies/require-run-as-non-root.ts', EXAMPLE_POLICY);
  // Policy modules are ES modules; a package that is CommonJS gets them scoped to policies/.
  if (pkg.type !== 'module') create('policies/package.json', `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
  create('tsconfig.json', TSCONFIG);
  create('.github/workflows/podsec.yml', GITHUB_WORKFLOW);
  create('.gitlab-ci.yml', GITLAB_CI);

  const at = options.dir && shown(root) !== '.' ? `cd ${shown(root)} && ` : '';
  io.stdout(
    [
      `podsec init: ${shown(root)}`,
      ...report,
      '',
      'Next:',
      `  ${at}npm install                                   # if podsec is not installed yet`,
      '  npx podsec build policies --out generated      # compile; commit generated/',
      '  npx podsec verify policies                     # prove every engine agrees',
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
