// SPDX-License-Identifier: MIT
/**
 * @module cli/main
 * Entry point of the `qhybrid` command: builds the commander program from one module per
 * command (src/cli/commands/*.ts) and routes every failure through handleError.
 */
import * as tf from "@tensorflow/tfjs";
import { Command } from "commander";
import { handleError } from "./handle-error.js";
import { buildProgram } from "./program.js";

// A reader that closes early (`qhybrid ... | head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
// Before any tensor exists: silences tfjs's "install tfjs-node" banner (tfjs-core/src/log.ts).
tf.enableProdMode();
const program: Command = buildProgram();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  handleError(error);
}
