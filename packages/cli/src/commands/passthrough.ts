import { gatorTestCommand, regoBuildCommand } from '@podsec/rego';
import { testKyvernoCommand } from '@podsec/runtime';
import type { CommandIO } from '../io.js';

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
      run: regoBuildCommand,
    },
  },
  test: {
    gator: {
      description: 'run Gatekeeper `gator verify` suites offline through the Rego→Wasm path',
      usage: 'SUITE.yaml…',
      run: gatorTestCommand,
    },
    kyverno: {
      description: 'run Kyverno CLI test declarations (kyverno-test.yaml) with podsec’s Kyverno and CEL engines',
      usage: 'DIR…',
      run: (argv, io) => testKyvernoCommand(argv, io),
    },
  },
};
