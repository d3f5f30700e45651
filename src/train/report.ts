// SPDX-License-Identifier: MIT
/**
 * @module train/report
 * The run's report.md after training: what was trained, on what, how fast, and how well,
 * with the per-epoch table. `qhybrid eval` adds calibration and robustness sections.
 */
import type { EvaluationResult } from "../eval/evaluate.js";
import { EVAL_FOLDER } from "../eval/run.js";
import { RUN_FILES, type RunDirectory } from "../run/run-directory.js";
import type { RunSummary } from "./experiment.js";
import type { EpochMetrics } from "./trainer.js";

const percent = (value: number | null): string => (value === null || Number.isNaN(value) ? "—" : `${(value * 100).toFixed(2)}%`);

function robustnessLines(evaluation: EvaluationResult): string[] {
  const rows: string[] = [];
  const { noise, rotate, fgsm, pgd, corrupt } = evaluation.robustness;
  for (const level of noise) rows.push(`| Gaussian noise σ = ${level.level} | ${percent(level.accuracy)} | ${level.ece.toFixed(4)} |`);
  for (const level of rotate) rows.push(`| rotation ${level.level}° | ${percent(level.accuracy)} | ${level.ece.toFixed(4)} |`);
  for (const level of fgsm) rows.push(`| FGSM ε = ${level.level} | ${percent(level.accuracy)} | ${level.ece.toFixed(4)} |`);
  if (pgd) rows.push(`| PGD ε = ${pgd.level}, ${pgd.steps} steps of ${pgd.stepSize} | ${percent(pgd.accuracy)} | ${pgd.ece.toFixed(4)} |`);
  for (const level of corrupt) rows.push(`| ${level.name} (severity ${level.severity}) | ${percent(level.accuracy)} | ${level.ece.toFixed(4)} |`);
  if (rows.length === 0) return [];
  return ["| condition | accuracy | ECE |", "|---|---:|---:|", `| clean | ${percent(evaluation.clean.accuracy)} | ${evaluation.clean.ece.toFixed(4)} |`, ...rows, ""];
}

export function writeTrainingReport(run: RunDirectory, summary: RunSummary, epochs: EpochMetrics[], evaluation: EvaluationResult): void {
  const parameters = summary.model.parameters;
  const lines = [
    `# ${summary.experiment}${summary.variant === "control" ? " — matched classical control" : ""}`,
    "",
    `Run \`${summary.runId}\`, finished ${summary.finishedAt}, config hash \`${summary.configHash}\`, seed ${summary.seed}, backend **${summary.backend}**.`,
    "",
    "| | |",
    "|---|---|",
    `| model | ${summary.model.kind}${summary.model.control ? " (control: quantum layer replaced by a dense layer)" : ""} |`,
    `| parameters | ${parameters.total} (${parameters.classical} classical, ${parameters.quantum} quantum; ${parameters.trainable} trainable) |`,
    `| dataset | ${summary.dataset.name}: ${summary.dataset.train} train, ${summary.dataset.validation} validation, ${summary.dataset.test} test, ${summary.dataset.classes} classes |`,
    `| epochs | ${summary.epochs}${summary.stoppedEarly ? " (stopped early)" : ""}; best validation accuracy ${percent(summary.bestValidationAccuracy)} at epoch ${summary.bestEpoch} |`,
    `| **${summary.test.split} accuracy** | **${percent(summary.test.accuracy)}** (last checkpoint, ${evaluation.count} images)${summary.test.top5 !== null ? `, top-5 ${percent(summary.test.top5)}` : ""} |`,
    `| calibration | ECE ${summary.test.ece.toFixed(4)} (${evaluation.bins} equal-width bins), NLL ${summary.test.nll.toFixed(4)}${evaluation.temperatureScaling ? `; after temperature scaling (T = ${evaluation.temperatureScaling.temperature.toFixed(3)}) ECE ${evaluation.temperatureScaling.after.ece.toFixed(4)}` : ""} |`,
    `| speed | ${summary.secondsPerEpoch.toFixed(1)} s per epoch, ${Math.round(summary.samplesPerSecond)} training samples/s |`,
    "",
    "## Epochs",
    "",
    "| epoch | loss | accuracy | validation loss | validation accuracy | learning rate | seconds | samples/s |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...epochs.map(
      (epoch) =>
        `| ${epoch.epoch} | ${epoch.loss.toFixed(4)} | ${percent(epoch.accuracy)} | ${epoch.validationLoss?.toFixed(4) ?? "—"} | ${percent(epoch.validationAccuracy)} | ${epoch.learningRate.toExponential(2)} | ${epoch.seconds.toFixed(1)} | ${Math.round(epoch.samplesPerSecond)} |`,
    ),
    "",
    "## Evaluation",
    "",
    ...robustnessLines(evaluation),
    `Every number, the reliability diagram, the confusion matrix and the robustness curves: [${EVAL_FOLDER}/report.md](${EVAL_FOLDER}/report.md) ([${EVAL_FOLDER}/eval.json](${EVAL_FOLDER}/eval.json)).`,
    "",
    `![Training curves](${EVAL_FOLDER}/training-curves.png)`,
    "",
  ];
  run.writeText(RUN_FILES.report, lines.join("\n"));
}
