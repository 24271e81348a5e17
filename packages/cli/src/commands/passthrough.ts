import type { CommandIO } from '../io.js';

// Engines are imported when their command runs: binaryen and the CEL and Kyverno engines take
// seconds to load, and `podsec build` needs none of them.
const rego = () => import('@podsec/rego');
const gatekeeper = () => import('@podsec/gatekeeper');
const kyverno = () => import('@podsec/kyverno');

interface PassthroughCommand {
  description: string;
  usage: string;
  run: (argv: string[], io: CommandIO) => Promise<number>;
}

/** `podsec <group> <name> …` commands whose argument parsing lives with their implementation. */
export const PASSTHROUGH_COMMANDS: Record<string, Record<string, PassthroughCommand>> = {
  rego: {
    build: {
      description: 'compile Rego to an OPA-ABI WebAssembly module (like `opa build -t wasm`; uses opa when OPA_BIN or PATH has it)',
      usage: '-e pkg/rule [-e …] -o policy.wasm FILES…',
      run: async (argv, io) => (await rego()).regoBuildCommand(argv, io),
    },
  },
  test: {
    gator: {
      description: 'run Gatekeeper `gator verify` suites offline through the Rego→Wasm path',
      usage: 'SUITE.yaml…',
      run: async (argv, io) => (await gatekeeper()).gatorTestCommand(argv, io),
    },
    rego: {
      description: 'run Rego unit tests (test_ rules) like `opa test`, through Rego→Wasm',
      usage: '[-v] [--run REGEX] FILES|DIRS…',
      run: async (argv, io) => (await rego()).regoTestCommand(argv, io),
    },
    kyverno: {
      description: 'run Kyverno CLI test declarations (kyverno-test.yaml) with podsec’s Kyverno and CEL engines',
      usage: 'DIR…',
      run: async (argv, io) => (await kyverno()).testKyvernoCommand(argv, io),
    },
  },
};
