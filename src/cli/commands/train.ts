// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/train
 * `qhybrid train [CONFIG]`: train the experiment's model (and its matched control) and
 * print each run's test accuracy and where its results are.
 */
import { Command, Option } from "commander";
import type { BackendChoice } from "../../backend/schema.js";
import { UsageError } from "../../errors.js";
import { createProgressReporter } from "../../train/progress.js";
import { trainExperiment, type RunSummary } from "../../train/experiment.js";
import { parseLabelKinds, type LabelKind } from "../../labels/targets.js";
import { backendOption, jsonOption, printResult, setOption } from "../options.js";

function positiveInteger(flag: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag}: expected a positive integer, got ${JSON.stringify(text)}`);
    return value;
  };
}

export function trainCommand(): Command {
  return new Command("train")
    .description("train the experiment's model; with no config, the main job configs/mnist-hybrid.yaml on real MNIST")
    .argument("[config]", "experiment config (YAML); default: configs/mnist-hybrid.yaml")
    .addOption(setOption())
    .addOption(backendOption())
    .addOption(new Option("--epochs <n>", "override training.epochs").argParser(positiveInteger("--epochs")))
    .addOption(new Option("--limit <n>", "use only N training images (smoke runs); same as --set data.limit=N").argParser(positiveInteger("--limit")))
    .addOption(new Option("--with-control", "also train the matched classical control (quantum layer replaced by a dense layer)"))
    .addOption(new Option("--resume <run-dir>", "continue a run from its latest checkpoint"))
    .addOption(new Option("--compare <kinds>", "train the same classifier on each label kind (onehot, smoothing, soft, qplr, classical-soft) and the config's own, then compare them").argParser(parseLabelKinds))
    .addOption(jsonOption())
    .addHelpText(
      "after",
      `
Each model trains in its own run directory, results/<name>/<run-id>/ (the control in
results/<name>-control/<run-id>/): config.yaml, metrics.jsonl, summary.json, report.md,
env.json, checkpoints/. Ctrl-C saves a checkpoint and exits 130; --resume continues it.

Examples:
  qhybrid train                                             the main job
  qhybrid train configs/mnist-hybrid.yaml --limit 2000 --epochs 1
  qhybrid train configs/mnist-cnn.yaml --set training.optimizer.learningRate=3e-4
  qhybrid train --resume results/mnist-hybrid/20261124-101500-123-ab12
  qhybrid train configs/qplr-mnist.yaml --compare onehot,smoothing,classical-soft
`,
    )
    .action(
      async (
        configPath: string | undefined,
        options: { set: string[]; backend?: BackendChoice; epochs?: number; limit?: number; withControl?: boolean; resume?: string; compare?: LabelKind[]; json?: boolean },
      ) => {
        const summaries = await trainExperiment({
          configPath,
          sets: options.set,
          backend: options.backend,
          epochs: options.epochs,
          limit: options.limit,
          withControl: options.withControl,
          resume: options.resume,
          compare: options.compare,
          progress: createProgressReporter(),
        });
        printResult(options.json, summaries, () => formatSummaries(summaries));
      },
    );
}

function formatSummaries(summaries: RunSummary[]): string {
  const rows = summaries.map((summary) => {
    const accuracy = `${(summary.test.accuracy * 100).toFixed(2)}%`;
    const parameters = `${summary.model.parameters.total} (${summary.model.parameters.quantum} quantum)`;
    return `${summary.variant === "control" ? "control" : summary.model.kind}${summary.labels === "onehot" ? "" : ` (${summary.labels})`}\t${accuracy}\t${parameters}\t${summary.secondsPerEpoch.toFixed(1)} s/epoch\t${summary.runDirectory}`;
  });
  return ["model\ttest accuracy\tparameters\tspeed\trun", ...rows].join("\n");
}
