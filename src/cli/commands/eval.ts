// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/eval
 * `qhybrid eval RUN_DIR|CHECKPOINT`: accuracy, calibration and robustness of a trained run,
 * written to <run>/eval/ (eval.json, report.md, PNG and SVG plots). Flags override the
 * run config's `eval:` part.
 */
import { Command, Option } from "commander";
import type { BackendChoice } from "../../backend/schema.js";
import { UsageError } from "../../errors.js";
import { CORRUPTION_CHOICES, type EvalConfig } from "../../eval/schema.js";
import { evaluateRun } from "../../eval/run.js";
import type { EvaluationResult } from "../../eval/evaluate.js";
import { backendOption, jsonOption, printResult } from "../options.js";

/** "0.1,0.2" → [0.1, 0.2]; every entry a finite number ≥ 0. */
export function parseLevels(flag: string, text: string): number[] {
  const values = text.split(",").map((part) => part.trim());
  return values.map((part) => {
    const value = Number(part);
    if (part === "" || !Number.isFinite(value) || value < 0) throw new UsageError(`${flag} ${text}: expected comma-separated numbers ≥ 0, e.g. 0.1,0.2,0.3`);
    return value;
  });
}

/** `--noise gaussian:0.1,0.2` or `--noise 0.1,0.2` (Gaussian is the only pixel-noise model). */
export function parseNoise(text: string): number[] {
  const match = /^(?:([a-z]+):)?(.*)$/.exec(text.trim())!;
  if (match[1] !== undefined && match[1] !== "gaussian") throw new UsageError(`--noise ${text}: expected gaussian:σ1,σ2,… (Gaussian pixel noise on the [0,1] scale)`);
  return parseLevels("--noise", match[2]);
}

/** `--pgd EPS:STEPS:ALPHA` or `--pgd madry` (ε 0.3, 40 steps of 0.01: Madry et al.'s MNIST setting). */
export function parsePgd(text: string): NonNullable<EvalConfig["pgd"]> {
  if (text.trim() === "madry") return { epsilon: 0.3, steps: 40, stepSize: 0.01, randomStart: true };
  const parts = text.split(":").map(Number);
  if (parts.length !== 3 || !parts.every((value) => Number.isFinite(value) && value > 0) || !Number.isInteger(parts[1])) {
    throw new UsageError(`--pgd ${text}: expected EPSILON:STEPS:STEP_SIZE (e.g. 0.3:40:0.01) or madry`);
  }
  return { epsilon: parts[0], steps: parts[1], stepSize: parts[2], randomStart: true };
}

/** `--corrupt fog:3,zigzag:2`. */
export function parseCorruptions(text: string): EvalConfig["corrupt"] {
  return text.split(",").map((part) => {
    const [name, severityText] = part.trim().split(":");
    const severity = Number(severityText ?? "3");
    if (!(CORRUPTION_CHOICES as readonly string[]).includes(name) || !Number.isInteger(severity) || severity < 1 || severity > 5) {
      throw new UsageError(`--corrupt ${text}: expected NAME:SEVERITY pairs with NAME one of ${CORRUPTION_CHOICES.join(", ")} and SEVERITY 1–5`);
    }
    return { name: name as EvalConfig["corrupt"][number]["name"], severity };
  });
}

interface EvalOptions {
  split?: EvalConfig["split"];
  checkpoint: "latest" | "best";
  noise?: number[];
  rotate?: number[];
  fgsm?: number[];
  pgd?: EvalConfig["pgd"];
  corrupt?: EvalConfig["corrupt"];
  bins?: number;
  backend?: BackendChoice;
  json?: boolean;
}

export function evalCommand(): Command {
  return new Command("eval")
    .description("evaluate a trained run: accuracy, calibration (ECE, MCE, NLL, Brier), robustness; writes <run>/eval/")
    .argument("<run>", "a run directory (results/<name>/<run-id>) or one of its checkpoint folders")
    .addOption(new Option("--split <split>", "which split to evaluate (default: the config's eval.split, test)").choices(["test", "validation", "train"]))
    .addOption(new Option("--checkpoint <which>", "which checkpoint of a run directory").choices(["latest", "best"]).default("latest"))
    .addOption(new Option("--noise <levels>", "Gaussian pixel noise σ on [0,1], e.g. gaussian:0.1,0.2,0.3").argParser(parseNoise))
    .addOption(new Option("--rotate <degrees>", "rotations in degrees, e.g. 15,30,45").argParser((text) => parseLevels("--rotate", text)))
    .addOption(new Option("--fgsm <epsilons>", "FGSM L∞ budgets on [0,1], e.g. 0.05,0.1,0.2").argParser((text) => parseLevels("--fgsm", text)))
    .addOption(new Option("--pgd <eps:steps:alpha>", "PGD L∞ attack, or 'madry' for 0.3:40:0.01").argParser(parsePgd))
    .addOption(new Option("--corrupt <name:severity,...>", `MNIST-C-style corruptions: ${CORRUPTION_CHOICES.join(", ")}`).argParser(parseCorruptions))
    .addOption(new Option("--bins <n>", "equal-width confidence bins for ECE/MCE (default 15)").argParser((text) => {
      const value = Number(text);
      if (!Number.isInteger(value) || value < 2) throw new UsageError(`--bins ${text}: expected an integer ≥ 2`);
      return value;
    }))
    .addOption(backendOption())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      `
Attacks and noise act on pixels in [0, 1], with normalisation inside the model; FGSM and
PGD take gradients through every layer, the quantum layer included.

Examples:
  qhybrid eval results/mnist-hybrid/20261124-101500-123-ab12
  qhybrid eval results/mnist-hybrid/20261124-101500-123-ab12 --noise gaussian:0.1,0.2,0.3 --rotate 15,30,45 --fgsm 0.05,0.1
  qhybrid eval results/mnist-cnn/20261124-101500-123-ab12/checkpoints/best --pgd madry --json
`,
    )
    .action(async (target: string, options: EvalOptions) => {
      const evaluation: Partial<EvalConfig> = {};
      for (const key of ["split", "noise", "rotate", "fgsm", "pgd", "corrupt", "bins"] as const) {
        if (options[key] !== undefined) (evaluation as Record<string, unknown>)[key] = options[key];
      }
      const { result, files, run } = await evaluateRun({ target, evaluation, checkpoint: options.checkpoint, backend: options.backend });
      printResult(options.json, result, () => formatResult(result, files.markdown, run.path));
    });
}

function formatResult(result: EvaluationResult, report: string, run: string): string {
  const percent = (value: number): string => `${(value * 100).toFixed(2)}%`;
  const lines = [
    `${run}: ${result.count} images`,
    `clean\taccuracy ${percent(result.clean.accuracy)}\tECE ${result.clean.ece.toFixed(4)}\tNLL ${result.clean.nll.toFixed(4)}\tBrier ${result.clean.brier.toFixed(4)}`,
  ];
  if (result.temperatureScaling) {
    lines.push(`T = ${result.temperatureScaling.temperature.toFixed(3)}\tECE ${result.temperatureScaling.after.ece.toFixed(4)}\tNLL ${result.temperatureScaling.after.nll.toFixed(4)} (after temperature scaling)`);
  }
  const { noise, rotate, fgsm, pgd, corrupt } = result.robustness;
  for (const level of noise) lines.push(`noise σ=${level.level}\taccuracy ${percent(level.accuracy)}\tECE ${level.ece.toFixed(4)}`);
  for (const level of rotate) lines.push(`rotate ${level.level}°\taccuracy ${percent(level.accuracy)}\tECE ${level.ece.toFixed(4)}`);
  for (const level of fgsm) lines.push(`FGSM ε=${level.level}\taccuracy ${percent(level.accuracy)}\tECE ${level.ece.toFixed(4)}`);
  if (pgd) lines.push(`PGD ε=${pgd.level}\taccuracy ${percent(pgd.accuracy)}\tECE ${pgd.ece.toFixed(4)}`);
  for (const level of corrupt) lines.push(`${level.name} ${level.severity}\taccuracy ${percent(level.accuracy)}\tECE ${level.ece.toFixed(4)}`);
  lines.push(`report: ${report}`);
  return lines.join("\n");
}
