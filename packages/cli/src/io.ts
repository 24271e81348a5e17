/** Where a command writes; tests pass collectors, the binary passes the process streams. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** True when stdout is an interactive terminal (progress bars, colours). */
  isTTY?: boolean;
}

/**
 * Exit codes, documented in the README: a CI job can tell "the policies found something" from
 * "podsec could not run" without parsing output.
 */
export const EXIT = {
  /** Clean: no violation, no disagreement, outputs up to date. */
  ok: 0,
  /** Violations (eval), disagreements (verify), stale outputs (build --check). */
  findings: 1,
  /** Usage errors, unreadable input, policy modules that fail to type-check or load. */
  usage: 2,
  /** A bug in podsec itself (an unexpected exception); the message asks for a report. */
  internal: 70,
} as const;

/** An expected failure: printed as one clear message, never with a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * The directory the user ran podsec from. Package-manager scripts (`pnpm podsec …` in this
 * repository, or a `"podsec": "podsec"` script in a user's package) run with the package root as
 * cwd and pass the caller's directory as INIT_CWD; paths on the command line are relative to that.
 */
export function userCwd(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return env.npm_lifecycle_event === 'podsec' && env.INIT_CWD ? env.INIT_CWD : cwd;
}

export const processIO = (): CommandIO => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: userCwd(),
  isTTY: Boolean(process.stdout.isTTY) && !process.env.CI,
});
