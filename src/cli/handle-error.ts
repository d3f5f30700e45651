// SPDX-License-Identifier: MIT
/**
 * @module cli/handle-error
 * The one funnel for failures: a UserError becomes one line on stderr and its exit code;
 * anything else is a bug, printed with its stack and exit code 1. Sets process.exitCode
 * instead of calling process.exit() so that pending stdout (e.g. --json) is flushed.
 */
import { CommanderError } from "commander";
import { EXIT_RUNTIME, EXIT_USAGE, UserError } from "../errors.js";

export function handleError(error: unknown): void {
  if (error instanceof CommanderError) {
    // commander already printed its message (help, version, or a usage error).
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
    return;
  }
  if (error instanceof UserError) {
    process.stderr.write(`qhybrid: error: ${error.message}\n`);
    process.exitCode = error.exitCode;
    return;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`qhybrid: internal error (please report it): ${text}\n`);
  process.exitCode = EXIT_RUNTIME;
}
