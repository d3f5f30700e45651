// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/circuit
 * `qhybrid circuit FILE`: draw a circuit file, count its resources, export OpenQASM 3, and
 * run it on given inputs and weights (with gradients): how a user checks the engine by hand.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import type { BackendChoice } from "../../backend/schema.js";
import { selectBackend } from "../../backend/select.js";
import { UsageError } from "../../errors.js";
import { formatInspection, inspectCircuit } from "../../quantum/inspect.js";
import { backendOption, jsonOption, printResult } from "../options.js";

interface CircuitOptions {
  draw?: boolean;
  resources?: boolean;
  qasm?: string;
  run?: boolean;
  inputs?: string;
  weights?: string;
  shots?: number;
  seed?: number;
  grad?: boolean;
  json?: boolean;
  backend: BackendChoice;
}

function positiveInteger(what: string) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`${what} must be a positive integer, got ${text}`);
    return value;
  };
}

export function circuitCommand(): Command {
  return new Command("circuit")
    .description("draw, count, export (OpenQASM 3) or run a circuit file; no option: --draw --resources")
    .argument("<file>", "circuit file (YAML, see configs/circuits/)")
    .option("--draw", "print a text diagram (weights and a single input sample bound when given)")
    .option("--resources", "print qubits, depth, gate counts by kind, trainable parameters")
    .option("--qasm <out>", "write OpenQASM 3 to OUT (weights bound with --weights, inputs with a one-sample --inputs)")
    .option("--run", "simulate on --inputs with --weights and print probabilities or expectations")
    .option("--inputs <file>", "input samples: JSON number array (one sample) or array of arrays, or .npy")
    .option("--weights <file>", "the circuit's weight vector: JSON array (nesting flattened) or .npy")
    .addOption(new Option("--shots <n>", "finite-shot estimates (Born rule) instead of exact values").argParser(positiveInteger("--shots")))
    .addOption(new Option("--seed <n>", "seed of the shot sampler").argParser(positiveInteger("--seed")))
    .option("--grad", "with --run: Jacobians with respect to weights and inputs (autodiff, and parameter shift beside it)")
    .addOption(jsonOption())
    .addOption(backendOption().default("auto"))
    .addHelpText(
      "after",
      `
Examples:
  qhybrid circuit configs/circuits/bell.yaml
  qhybrid circuit configs/circuits/bel4.yaml --qasm bel4.qasm --weights w.json
  qhybrid circuit configs/circuits/quanv4.yaml --run --inputs patch.json --grad --json
  qhybrid circuit configs/circuits/noisy-bel4.yaml --run --inputs x.json --weights w.json --shots 1000 --seed 7
`,
    )
    .action(async (file: string, options: CircuitOptions) => {
      const nothingAsked = !options.draw && !options.resources && options.qasm === undefined && !options.run;
      if (options.grad && !options.run) throw new UsageError("--grad goes with --run");
      if ((options.shots !== undefined || options.seed !== undefined) && !options.run) throw new UsageError("--shots and --seed go with --run");
      if (options.run) await selectBackend(options.backend);
      const inspection = inspectCircuit({
        file,
        draw: options.draw || nothingAsked,
        resources: options.resources || nothingAsked,
        qasm: options.qasm,
        run: options.run,
        inputsFile: options.inputs,
        weightsFile: options.weights,
        shots: options.shots,
        seed: options.seed,
        grad: options.grad,
      });
      for (const note of inspection.qasm?.notes ?? []) process.stderr.write(`qhybrid: note: ${note}\n`);
      printResult(options.json, inspection, () => formatInspection(inspection));
    });
}
