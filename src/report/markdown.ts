// SPDX-License-Identifier: MIT
/**
 * @module report/markdown
 * report.md of an evaluation: tables of every metric in eval.json and links to the plots.
 * Rates (accuracy, ECE, confidence) are printed as percentages with two decimals, the
 * rest (NLL, Brier, temperature) with four; `formatMetric` is the one formatter.
 */
import type { CalibrationSummary, EvaluationResult, LevelResult } from "../eval/evaluate.js";

const RATE_KEYS = new Set(["accuracy", "topKAccuracy", "ece", "mce", "classwiseEce", "adaptiveEce", "meanConfidence", "overconfidence"]);

/** How report.md prints the value of a metric key. */
export function formatMetric(key: string, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "–";
  if (RATE_KEYS.has(key)) return `${(value * 100).toFixed(2)}%`;
  return value.toFixed(4);
}

function table(header: string[], rows: string[][]): string[] {
  const escape = (cell: string): string => cell.replace(/\|/g, "\\|");
  return [`| ${header.map(escape).join(" | ")} |`, `|${header.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`, ...rows.map((row) => `| ${row.map(escape).join(" | ")} |`), ""];
}

/** The clean metrics' scalar keys, in report order, with their row labels. */
export function cleanMetricRows(result: EvaluationResult): [string, keyof EvaluationResult["clean"]][] {
  const { bins, clean } = result;
  return [
    ["Top-1 accuracy", "accuracy"],
    [`Top-${clean.topK} accuracy`, "topKAccuracy"],
    ["NLL (nats, p clamped at 1e-12)", "nll"],
    ["Brier score (sum over classes)", "brier"],
    ["Brier score ÷ K", "brierPerClass"],
    [`ECE (${bins} equal-width bins)`, "ece"],
    [`MCE (${bins} equal-width bins)`, "mce"],
    [`Classwise ECE (${bins} bins)`, "classwiseEce"],
    [`Adaptive ECE (${bins} equal-mass bins)`, "adaptiveEce"],
    ["Mean confidence", "meanConfidence"],
    ["Over-confidence (confidence − accuracy)", "overconfidence"],
  ];
}

const SUMMARY_ROWS: [string, keyof CalibrationSummary][] = [
  ["Accuracy", "accuracy"],
  ["ECE", "ece"],
  ["MCE", "mce"],
  ["Classwise ECE", "classwiseEce"],
  ["Adaptive ECE", "adaptiveEce"],
  ["NLL (nats)", "nll"],
  ["Brier score", "brier"],
  ["Brier score ÷ K", "brierPerClass"],
  ["Mean confidence", "meanConfidence"],
];

function levelRows(levels: LevelResult[], formatLevel: (level: number) => string): string[][] {
  return levels.map((l) => [formatLevel(l.level), formatMetric("accuracy", l.accuracy), formatMetric("ece", l.ece), formatMetric("nll", l.nll), formatMetric("meanConfidence", l.meanConfidence)]);
}

export interface MarkdownOptions {
  title: string;
  /** Plot files (relative to report.md) by role; absent roles are not linked. */
  plots: Partial<Record<"reliability" | "reliabilityAfter" | "noise" | "rotate" | "fgsm" | "confusion" | "training", string>>;
  /** What was evaluated (checkpoint, split), one line. */
  source?: string;
}

export function evaluationMarkdown(result: EvaluationResult, options: MarkdownOptions): string {
  const { clean, bins } = result;
  const lines: string[] = [`# ${options.title}`, ""];
  const [h, w, c] = result.imageShape;
  lines.push(
    `${options.source === undefined ? "" : `${options.source}. `}${result.count} images of ${h}×${w}×${c}, ${result.classNames.length} classes; seed ${result.seed}, batch size ${result.batchSize}, ${bins} calibration bins. Pixels on [0, 1]; attack budgets in the same units.`,
    "",
    "## Clean metrics",
    "",
    ...table(["Metric", "Value"], cleanMetricRows(result).map(([label, key]) => [label, formatMetric(key, clean[key] as number)])),
  );
  if (options.plots.reliability) lines.push(`![Reliability diagram and confidence histogram](${options.plots.reliability})`, "");

  const scaling = result.temperatureScaling;
  if (scaling !== null) {
    lines.push(
      "## Temperature scaling",
      "",
      `T = ${formatMetric("temperature", scaling.temperature)}, fitted on ${scaling.validationCount} validation images by minimising NLL (validation NLL ${formatMetric("nll", scaling.validationNllBefore)} → ${formatMetric("nll", scaling.validationNllAfter)}). Accuracy is unchanged by T.${scaling.atSearchBound ? " T stopped at an end of the search range [0.01, 100], so the best T may lie beyond it." : ""}`,
      "",
      ...table(
        ["Metric", "Before (T = 1)", `After (T = ${scaling.temperature.toFixed(4)})`],
        SUMMARY_ROWS.map(([label, key]) => [label, formatMetric(key, scaling.before[key]), formatMetric(key, scaling.after[key])]),
      ),
    );
    if (options.plots.reliabilityAfter) lines.push(`![Reliability diagram after temperature scaling](${options.plots.reliabilityAfter})`, "");
  }

  const { robustness } = result;
  const header = ["Accuracy", "ECE", "NLL (nats)", "Mean confidence"];
  const anyRobustness = robustness.noise.length + robustness.rotate.length + robustness.fgsm.length + robustness.corrupt.length > 0 || robustness.pgd !== null;
  if (anyRobustness) lines.push("## Robustness", "");
  if (robustness.noise.length > 0) {
    lines.push("### Gaussian pixel noise", "", "x' = clip(x + σ·N(0, 1), 0, 1).", "", ...table(["σ", ...header], levelRows(robustness.noise, String)));
    if (options.plots.noise) lines.push(`![Accuracy against noise](${options.plots.noise})`, "");
  }
  if (robustness.rotate.length > 0) {
    lines.push("### Rotation", "", "Bilinear, about the image centre, zero fill; positive is counter-clockwise.", "", ...table(["Degrees", ...header], levelRows(robustness.rotate, String)));
    if (options.plots.rotate) lines.push(`![Accuracy against rotation](${options.plots.rotate})`, "");
  }
  if (robustness.fgsm.length > 0 || robustness.pgd !== null) {
    lines.push("### Adversarial attacks (L∞)", "");
    if (robustness.fgsm.length > 0) lines.push("FGSM: x' = clip(x + ε·sign ∇ₓ L, 0, 1).", "", ...table(["ε", ...header], levelRows(robustness.fgsm, String)));
    if (robustness.pgd !== null) {
      const p = robustness.pgd;
      lines.push(
        `PGD: ${p.steps} steps of α = ${p.stepSize}, ${p.randomStart ? "random start" : "no random start"}, projected on the ε-ball and [0, 1].`,
        "",
        ...table(["ε", "Steps", "α", ...header], [[String(p.level), String(p.steps), String(p.stepSize), ...levelRows([p], String)[0].slice(1)]]),
      );
    }
    if (options.plots.fgsm) lines.push(`![Accuracy against attack budget](${options.plots.fgsm})`, "");
  }
  if (robustness.corrupt.length > 0) {
    lines.push(
      "### Corruptions (MNIST-C style)",
      "",
      ...table(["Corruption", "Severity", ...header], robustness.corrupt.map((r) => [r.name, String(r.severity), ...levelRows([r], String)[0].slice(1)])),
      ...robustness.corrupt.filter((r, i, all) => all.findIndex((o) => o.name === r.name) === i).map((r) => `- **${r.name}**: ${r.description}`),
      "",
    );
  }

  lines.push("## Per-class accuracy", "", ...table(["Class", "Support", "Accuracy"], result.classNames.map((name, k) => [name, String(clean.support[k]), formatMetric("accuracy", clean.perClassAccuracy[k])])));
  if (options.plots.confusion) lines.push("## Confusion matrix", "", `![Confusion matrix](${options.plots.confusion})`, "");
  if (options.plots.training) lines.push("## Training curves", "", `![Training curves](${options.plots.training})`, "");

  const timing = Object.entries(result.seconds).map(([condition, seconds]) => [condition, seconds.toFixed(2)]);
  lines.push("## Timing", "", ...table(["Condition", "Seconds"], timing));
  return lines.join("\n");
}
