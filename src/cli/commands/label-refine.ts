// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/label-refine
 * `qhybrid label-refine CONFIG`: QPLR stage 1. Train the config's labeller, write the
 * soft labels of every training image to a labels file with its label report, and print
 * the labeller's accuracy and where the files are.
 */
import { Command, Option } from "commander";
import type { BackendChoice } from "../../backend/schema.js";
import { UsageError } from "../../errors.js";
import { labelRefine } from "../../labels/refine.js";
import { backendOption, jsonOption, printResult, setOption } from "../options.js";

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--limit: expected a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

export function labelRefineCommand(): Command {
  return new Command("label-refine")
    .description("QPLR stage 1: train a VQC labeller and write soft labels for every training image")
    .argument("<config>", "experiment config (YAML) with a labels.labeller section")
    .addOption(setOption())
    .addOption(backendOption())
    .addOption(new Option("--limit <n>", "train the labeller on N training images (all training images are still labelled); same as --set data.limit=N").argParser(positiveInteger))
    .addOption(new Option("--out <file>", "labels file to write (default: labels.file, else results/<name>/labels/<kind>-<hash>/labels.bin)"))
    .addOption(new Option("--classical", "run the classical-soft control labeller (a dense network of about the same parameter count) instead"))
    .addOption(jsonOption())
    .addHelpText(
      "after",
      `
Beside the labels file: report.md, report.json, label-histograms.png (entropy and top-1
confidence per class) and label-grid.png (most ambiguous and most confident images with
their soft-label bars). Train on the labels with labels.mode: soft and labels.file, or let
labels.mode: qplr in a training config run this stage (cached) before training.

Examples:
  qhybrid label-refine configs/qplr-mnist.yaml --limit 5000
  qhybrid label-refine configs/qplr-mnist.yaml --set labels.labeller.kind=born --set labels.labeller.encoding=angle
  qhybrid label-refine configs/qplr-mnist.yaml --set labels.labeller.confidence=0.9   the paper's M4
`,
    )
    .action(async (configPath: string, options: { set: string[]; backend?: BackendChoice; limit?: number; out?: string; classical?: boolean; json?: boolean }) => {
      const result = await labelRefine({ configPath, sets: options.set, backend: options.backend, limit: options.limit, out: options.out, classical: options.classical, log: (line) => process.stderr.write(`${line}\n`) });
      const { distributions: _distributions, ...printable } = result;
      printResult(options.json, printable, () => {
        const report = result.report;
        const lines = [`labels file\t${result.file}`];
        if (report) {
          lines.push(
            `labeller\t${result.header.labeller.kind} (${report.parameters.total} parameters, ${report.parameters.quantum} quantum), trained on ${report.trainedOn} images`,
            `test accuracy\t${(report.accuracy.test * 100).toFixed(2)}%`,
            `argmax = label\t${(report.statistics.agreement * 100).toFixed(2)}% of ${report.statistics.count} training images`,
            `mean entropy\t${report.statistics.meanEntropy.toFixed(4)} nats`,
            `report\t${report.dir}/report.md`,
          );
        }
        return lines.join("\n");
      });
    });
}
