// SPDX-License-Identifier: MIT
/**
 * @module cli/program
 * Assembles the commander program. Each command lives in its own file under
 * src/cli/commands/ and stays thin: parse, validate, call one library function, print.
 */
import { Command } from "commander";
import { readFileSync } from "node:fs";
import { circuitCommand } from "./commands/circuit.js";
import { configCommand } from "./commands/config.js";
import { datasetsCommand } from "./commands/datasets.js";
import { infoCommand } from "./commands/info.js";
import { trainCommand } from "./commands/train.js";
import { evalCommand } from "./commands/eval.js";
import { compareCommand } from "./commands/compare.js";
import { labelRefineCommand } from "./commands/label-refine.js";
import { sweepCommand } from "./commands/sweep.js";

const packageJson = JSON.parse(
  readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
) as { version: string };

export function buildProgram(): Command {
  const program = new Command("qhybrid")
    .description(
      "Experiment runner for hybrid quantum-classical image classification on TensorFlow.js",
    )
    .version(packageJson.version)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .addHelpText(
      "after",
      `
Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error, 130 interrupted.

Examples:
  qhybrid train                        the main job: configs/mnist-hybrid.yaml on real MNIST
  qhybrid train configs/mnist-hybrid.yaml --limit 2000 --epochs 1
  qhybrid eval results/mnist-hybrid/<run-id> --noise gaussian:0.1,0.2 --fgsm 0.05,0.1
  qhybrid compare results/mnist-hybrid/<run-id> results/mnist-hybrid-control/<run-id>
  qhybrid info                         backend, versions, dataset locations
  qhybrid config check configs/mnist-hybrid.yaml --set training.epochs=3
  qhybrid circuit configs/circuits/bel4.yaml   draw a circuit file and count its resources
  qhybrid datasets list                where each dataset was looked for and found
  qhybrid label-refine configs/qplr-mnist.yaml --limit 5000   QPLR stage 1: quantum soft labels + label report
  qhybrid sweep run configs/sweeps/ablation-qubits.yaml   a resumable sweep (also: plan, emit --slurm, report)
`,
    );
  program.addCommand(trainCommand());
  program.addCommand(evalCommand());
  program.addCommand(compareCommand());
  program.addCommand(infoCommand());
  program.addCommand(configCommand());
  program.addCommand(circuitCommand());
  program.addCommand(datasetsCommand());
  program.addCommand(labelRefineCommand());
  program.addCommand(sweepCommand());
  applyToAll(program, (command) => {
    command.exitOverride();
    command.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  });
  return program;
}

function applyToAll(command: Command, action: (command: Command) => void): void {
  action(command);
  for (const child of command.commands) applyToAll(child, action);
}
