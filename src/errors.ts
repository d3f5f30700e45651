// SPDX-License-Identifier: MIT
/**
 * @module errors
 * The error types every layer throws when the user (not the code) is at fault. The CLI
 * funnel (src/cli/handle-error.ts) prints their message as one line on stderr and exits
 * with their code; anything else is a bug and is printed with its stack.
 */

/** Exit codes documented in the README: 1 runtime failure, 2 usage or config error. */
export const EXIT_RUNTIME = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** A failure caused by input, environment or data, reported as one clear line. */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_RUNTIME) {
    super(message);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}

/** Bad configuration or command-line usage: exit code 2, raised before any long work. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = "UsageError";
  }
}
