// SPDX-License-Identifier: MIT
/**
 * @module report/write
 * Writes an evaluation's files into a folder: eval.json (every number), report.md (tables
 * and plot links) and each plot as SVG and PNG. Every file is written atomically, so a
 * crash never leaves a half-written report; report.md is written last.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { EvaluationResult } from "../eval/evaluate.js";
import { writeFileAtomic } from "../run/atomic-write.js";
import { evaluationMarkdown, type MarkdownOptions } from "./markdown.js";
import { confusionMatrixSvg, reliabilityDiagramSvg, robustnessChartSvg, trainingCurvesSvg } from "./plots.js";
import { DEFAULT_PNG_SCALE, svgToPng } from "./raster.js";

export interface ReportOptions {
  /** report.md heading and the run's name in plot legends. */
  title?: string;
  /** What was evaluated (checkpoint, split), one line in report.md. */
  source?: string;
  /** metrics.jsonl rows ({ epoch, loss, accuracy, ... }) for the training-curve plot. */
  trainingHistory?: Record<string, unknown>[];
  /** PNG pixels per SVG pixel (default 2). */
  pngScale?: number;
}

/** Base names (without extension) of the plots a report can hold. */
export const PLOT_FILES = {
  reliability: "reliability",
  reliabilityAfter: "reliability-temperature-scaled",
  noise: "accuracy-vs-noise",
  rotate: "accuracy-vs-rotation",
  fgsm: "accuracy-vs-epsilon",
  confusion: "confusion-matrix",
  training: "training-curves",
} as const;

export interface ReportFiles {
  json: string;
  markdown: string;
  /** Every SVG and PNG written. */
  plots: string[];
}

/** Writes eval.json, report.md and the plots into `dir` (created if needed); returns the paths. */
export async function writeEvaluationReport(dir: string, result: EvaluationResult, options: ReportOptions = {}): Promise<ReportFiles> {
  mkdirSync(dir, { recursive: true });
  const title = options.title ?? "Evaluation report";
  const svgs: Partial<Record<keyof typeof PLOT_FILES, string>> = {};
  const { clean, robustness, temperatureScaling } = result;
  svgs.reliability = reliabilityDiagramSvg(clean.reliability, { title: "Reliability diagram", ece: clean.ece, mce: clean.mce });
  if (temperatureScaling !== null) {
    svgs.reliabilityAfter = reliabilityDiagramSvg(temperatureScaling.reliabilityAfter, {
      title: `Reliability after temperature scaling (T = ${temperatureScaling.temperature.toFixed(3)})`,
      ece: temperatureScaling.after.ece,
      mce: temperatureScaling.after.mce,
    });
  }
  const runs = [{ name: title, result }];
  if (robustness.noise.length > 0) svgs.noise = robustnessChartSvg(runs, "noise");
  if (robustness.rotate.length > 0) svgs.rotate = robustnessChartSvg(runs, "rotate");
  if (robustness.fgsm.length > 0 || robustness.pgd !== null) svgs.fgsm = robustnessChartSvg(runs, "fgsm");
  svgs.confusion = confusionMatrixSvg(clean.confusionMatrix, result.classNames);
  if (options.trainingHistory !== undefined && options.trainingHistory.length > 0) svgs.training = trainingCurvesSvg(options.trainingHistory);

  const jsonPath = join(dir, "eval.json");
  writeFileAtomic(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
  const plots: string[] = [];
  const links: MarkdownOptions["plots"] = {};
  for (const [role, svg] of Object.entries(svgs) as [keyof typeof PLOT_FILES, string][]) {
    const base = PLOT_FILES[role];
    writeFileAtomic(join(dir, `${base}.svg`), svg);
    writeFileAtomic(join(dir, `${base}.png`), await svgToPng(svg, options.pngScale ?? DEFAULT_PNG_SCALE));
    plots.push(join(dir, `${base}.svg`), join(dir, `${base}.png`));
    links[role] = `${base}.png`;
  }
  const markdownPath = join(dir, "report.md");
  writeFileAtomic(markdownPath, evaluationMarkdown(result, { title, plots: links, source: options.source }));
  return { json: jsonPath, markdown: markdownPath, plots };
}
