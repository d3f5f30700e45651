// SPDX-License-Identifier: MIT
/**
 * @module report/plots
 * The evaluation plots as SVG strings: reliability diagram with confidence histogram,
 * line charts of accuracy against a perturbation level (several runs on one plot, with a
 * legend), the confusion-matrix heat map and training curves. Each function is pure: the
 * same input gives the same string.
 */
import type { ReliabilityBin } from "../eval/calibration.js";
import type { EvaluationResult, LevelResult } from "../eval/evaluate.js";
import { axes, legend, niceDomain, PALETTE, px, svgDocument, text, textWidth, title, type LegendEntry } from "./svg.js";

function percent(value: number, digits = 2): string {
  return `${(value * 100).toFixed(digits)}%`;
}

function shorten(label: string, max: number): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}

export interface ReliabilityOptions {
  title?: string;
  /** Shown under the title; defaults to ECE, MCE, bin count and N. */
  subtitle?: string;
  ece?: number;
  mce?: number;
}

/** Per-bin accuracy against confidence (Guo et al. 2017, Fig. 1) over a confidence histogram. */
export function reliabilityDiagramSvg(bins: ReliabilityBin[], options: ReliabilityOptions = {}): string {
  const width = 640;
  const height = 780;
  const total = bins.reduce((sum, bin) => sum + bin.count, 0);
  const accuracy = total === 0 ? 0 : bins.reduce((sum, bin) => sum + (bin.accuracy ?? 0) * bin.count, 0) / total;
  const confidence = total === 0 ? 0 : bins.reduce((sum, bin) => sum + (bin.meanConfidence ?? 0) * bin.count, 0) / total;
  const facts = [
    options.ece === undefined ? undefined : `ECE ${percent(options.ece)}`,
    options.mce === undefined ? undefined : `MCE ${percent(options.mce)}`,
    `${bins.length} bins`,
    `N = ${total}`,
  ].filter((v) => v !== undefined);
  const body = title(width, options.title ?? "Reliability diagram", options.subtitle ?? facts.join(" · "));

  const top = axes({
    area: { x: 90, y: 72, width: 500, height: 400 },
    xDomain: [0, 1],
    yDomain: [0, 1],
    xLabel: "Confidence (top-1 probability)",
    yLabel: "Accuracy",
    xPercent: true,
    yPercent: true,
  });
  body.push(...top.background);
  body.push(`<line x1="${px(top.x(0))}" y1="${px(top.y(0))}" x2="${px(top.x(1))}" y2="${px(top.y(1))}" stroke="#777" stroke-width="1.5" stroke-dasharray="6 4"/>`);
  for (const bin of bins) {
    if (bin.count === 0 || bin.accuracy === null || bin.meanConfidence === null) continue;
    const left = top.x(bin.lower) + 1;
    const barWidth = top.x(bin.upper) - top.x(bin.lower) - 2;
    body.push(`<rect x="${px(left)}" y="${px(top.y(bin.accuracy))}" width="${px(barWidth)}" height="${px(top.y(0) - top.y(bin.accuracy))}" fill="#0072B2" fill-opacity="0.85"/>`);
    const high = Math.max(bin.accuracy, bin.meanConfidence);
    const low = Math.min(bin.accuracy, bin.meanConfidence);
    if (high - low > 1e-9) {
      body.push(`<rect x="${px(left)}" y="${px(top.y(high))}" width="${px(barWidth)}" height="${px(top.y(low) - top.y(high))}" fill="#D55E00" fill-opacity="0.3" stroke="#D55E00" stroke-width="1"/>`);
    }
  }
  body.push(...top.foreground);
  body.push(
    ...legend(100, 82, [
      { label: "Accuracy per bin", color: "#0072B2", kind: "box" },
      { label: "Gap to mean confidence", color: "#F2BFA0", kind: "box" },
      { label: "Perfect calibration", color: "#777", kind: "dash" },
    ], 215),
  );

  const maxShare = Math.max(0.01, ...bins.map((bin) => (total === 0 ? 0 : bin.count / total)));
  const histogram = axes({
    area: { x: 90, y: 560, width: 500, height: 140 },
    xDomain: [0, 1],
    yDomain: niceDomain([0, maxShare], 3),
    xLabel: "Confidence (top-1 probability)",
    yLabel: "Samples (%)",
    xPercent: true,
    yPercent: true,
  });
  body.push(text(width / 2, 548, "Confidence histogram", { size: 14, anchor: "middle", weight: "bold" }));
  body.push(...histogram.background);
  for (const bin of bins) {
    if (bin.count === 0) continue;
    const share = bin.count / total;
    body.push(`<rect x="${px(histogram.x(bin.lower) + 1)}" y="${px(histogram.y(share))}" width="${px(histogram.x(bin.upper) - histogram.x(bin.lower) - 2)}" height="${px(histogram.y(0) - histogram.y(share))}" fill="#56B4E9"/>`);
  }
  const lineAt = (value: number, color: string, dash: string): string =>
    `<line x1="${px(histogram.x(value))}" y1="${px(histogram.y(0))}" x2="${px(histogram.x(value))}" y2="${px(560)}" stroke="${color}" stroke-width="2"${dash}/>`;
  if (total > 0) {
    body.push(lineAt(accuracy, "#000000", ""));
    body.push(lineAt(confidence, "#D55E00", ` stroke-dasharray="5 4"`));
  }
  body.push(...histogram.foreground);
  body.push(
    ...legend(100, 568, [
      { label: `Accuracy ${percent(accuracy)}`, color: "#000000", kind: "rule" },
      { label: `Mean confidence ${percent(confidence)}`, color: "#D55E00", kind: "dash" },
    ], 230),
  );
  return svgDocument(width, height, body);
}

export interface Series {
  name: string;
  points: { x: number; y: number }[];
  /** Marker shape (default circle); a one-point series is drawn as its marker only. */
  marker?: "circle" | "square";
}

export interface LineChartOptions {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Fixed y domain (accuracy charts use [0, 1]); else fitted to the data. */
  yDomain?: [number, number];
  yPercent?: boolean;
  xPercent?: boolean;
  /** Fixed x ticks (e.g. the levels measured). */
  xTicks?: number[];
}

const LEGEND_CHARACTERS = 32;

/** Lines with markers, one per series, legend on the right. */
export function lineChartSvg(options: LineChartOptions): string {
  const width = 840;
  const height = 480;
  const legendWidth = Math.min(270, Math.max(150, ...options.series.map((s) => 50 + textWidth(shorten(s.name, LEGEND_CHARACTERS), 13))));
  const area = { x: 90, y: options.subtitle === undefined ? 62 : 72, width: width - 90 - legendWidth - 40, height: 0 };
  area.height = height - area.y - 80;
  const xs = options.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = options.series.flatMap((s) => s.points.map((p) => p.y));
  const xDomain = niceDomain([Math.min(0, ...xs), ...xs], 6);
  const frame = axes({
    area,
    xDomain,
    yDomain: options.yDomain ?? niceDomain(ys),
    xLabel: options.xLabel,
    yLabel: options.yLabel,
    yPercent: options.yPercent,
    xPercent: options.xPercent,
    xTicks: options.xTicks,
  });
  const body = [...title(width, options.title, options.subtitle), ...frame.background];
  const entries: LegendEntry[] = [];
  options.series.forEach((series, index) => {
    const color = PALETTE[index % PALETTE.length];
    const points = [...series.points].filter((p) => Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
    if (points.length > 1) {
      const path = points.map((p) => `${px(frame.x(p.x))},${px(frame.y(p.y))}`).join(" ");
      body.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2.5" stroke-linejoin="round"/>`);
    }
    for (const p of points) {
      body.push(
        series.marker === "square"
          ? `<rect x="${px(frame.x(p.x) - 6)}" y="${px(frame.y(p.y) - 6)}" width="12" height="12" fill="${color}" stroke="#fff" stroke-width="1"/>`
          : `<circle cx="${px(frame.x(p.x))}" cy="${px(frame.y(p.y))}" r="4.5" fill="${color}" stroke="#fff" stroke-width="1"/>`,
      );
    }
    entries.push({ label: shorten(series.name, LEGEND_CHARACTERS), color, kind: series.marker === "square" ? "box" : "line" });
  });
  body.push(...frame.foreground);
  body.push(...legend(area.x + area.width + 20, area.y, entries, legendWidth));
  return svgDocument(width, height, body);
}

export type RobustnessKind = "noise" | "rotate" | "fgsm";

const ROBUSTNESS_AXES: Record<RobustnessKind, { title: string; xLabel: string }> = {
  noise: { title: "Accuracy under Gaussian pixel noise", xLabel: "Noise standard deviation σ (pixel scale [0, 1])" },
  rotate: { title: "Accuracy under rotation", xLabel: "Rotation (degrees, counter-clockwise)" },
  fgsm: { title: "Accuracy under FGSM attack", xLabel: "L∞ budget ε (pixel scale [0, 1])" },
};

/** Accuracy against the perturbation level, one line per run; the clean accuracy is level 0. */
export function robustnessChartSvg(runs: { name: string; result: EvaluationResult }[], kind: RobustnessKind): string {
  const series: Series[] = [];
  for (const { name, result } of runs) {
    const levels: LevelResult[] = result.robustness[kind];
    const points = levels.map((l) => ({ x: l.level, y: l.accuracy }));
    if (!levels.some((l) => l.level === 0)) points.push({ x: 0, y: result.clean.accuracy });
    const pgd = kind === "fgsm" ? result.robustness.pgd : null;
    const single = runs.length === 1;
    series.push({ name: pgd === null ? name : single ? "FGSM" : `${name} · FGSM`, points });
    // PGD is one budget: a square marker at its ε.
    if (pgd !== null) series.push({ name: `${single ? "" : `${name} · `}PGD-${pgd.steps} (α = ${pgd.stepSize})`, points: [{ x: pgd.level, y: pgd.accuracy }], marker: "square" });
  }
  const levels = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const count = runs[0]?.result.count;
  return lineChartSvg({
    title: ROBUSTNESS_AXES[kind].title,
    subtitle: count === undefined ? undefined : `N = ${count} test images${kind === "noise" ? ", noise clipped to [0, 1]" : ""}`,
    xLabel: ROBUSTNESS_AXES[kind].xLabel,
    yLabel: "Top-1 accuracy",
    series,
    yDomain: [0, 1],
    yPercent: true,
    xTicks: levels.length <= 8 ? levels : undefined,
  });
}

function blend(fraction: number): string {
  // White to Okabe–Ito blue-black (#08306B), linear in RGB.
  const t = Math.min(1, Math.max(0, fraction));
  const channel = (from: number, to: number): string => Math.round(from + (to - from) * t).toString(16).padStart(2, "0");
  return `#${channel(255, 8)}${channel(255, 48)}${channel(255, 107)}`;
}

export interface ConfusionOptions {
  title?: string;
  /** Per-cell counts are printed when there are at most this many classes (default 20). */
  maxAnnotatedClasses?: number;
}

/** Heat map of the row-normalised confusion matrix (rows true, columns predicted). */
export function confusionMatrixSvg(matrix: number[][], classNames: string[], options: ConfusionOptions = {}): string {
  const classes = matrix.length;
  const annotate = classes <= (options.maxAnnotatedClasses ?? 20);
  const labelled = classes <= 40;
  const cell = Math.max(4, Math.min(48, Math.floor(640 / Math.max(1, classes))));
  const names = classNames.map((name) => shorten(name, 18));
  const labelSpace = labelled ? Math.min(140, Math.max(30, ...names.map((n) => textWidth(n, 12)))) : 40;
  const left = 70 + labelSpace;
  const top = 76;
  const size = cell * classes;
  const bottomLabels = labelled ? labelSpace * 0.75 + 20 : 40;
  const width = left + size + 120;
  const height = top + size + bottomLabels + 50;
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const correct = matrix.reduce((sum, row, i) => sum + row[i], 0);
  const body = title(width, options.title ?? "Confusion matrix", `Rows: true class · columns: predicted · colour: share of the true class · accuracy ${percent(total === 0 ? 0 : correct / total)}`);
  matrix.forEach((row, i) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => {
      const fraction = rowTotal === 0 ? 0 : count / rowTotal;
      const x = left + j * cell;
      const y = top + i * cell;
      body.push(`<rect x="${px(x)}" y="${px(y)}" width="${cell}" height="${cell}" fill="${blend(fraction)}"${annotate ? ` stroke="#ffffff" stroke-width="1"` : ""}/>`);
      if (annotate && count > 0) {
        const fontSize = Math.max(8, Math.min(13, Math.floor(cell / (String(count).length * 0.62 + 0.6))));
        body.push(text(x + cell / 2, y + cell / 2, String(count), { size: fontSize, anchor: "middle", baseline: "middle", fill: fraction > 0.5 ? "#ffffff" : "#222222" }));
      }
    });
  });
  body.push(`<rect x="${px(left)}" y="${px(top)}" width="${size}" height="${size}" fill="none" stroke="#444" stroke-width="1"/>`);
  const step = labelled ? 1 : Math.ceil(classes / 20);
  for (let k = 0; k < classes; k += step) {
    const label = labelled ? names[k] : String(k);
    const center = k * cell + cell / 2;
    body.push(text(left - 6, top + center, label, { size: 12, anchor: "end", baseline: "middle" }));
    body.push(text(left + center, top + size + 8, label, { size: 12, anchor: "end", baseline: "middle", rotate: -45 }));
  }
  body.push(text(left + size / 2, height - 14, labelled ? "Predicted class" : "Predicted class (index)", { size: 14, anchor: "middle" }));
  body.push(text(24, top + size / 2, labelled ? "True class" : "True class (index)", { size: 14, anchor: "middle", rotate: -90 }));
  // Colour bar.
  const barX = left + size + 30;
  const barHeight = Math.min(size, 240);
  body.push(`<defs><linearGradient id="confusion-scale" x1="0" y1="1" x2="0" y2="0"><stop offset="0" stop-color="${blend(0)}"/><stop offset="1" stop-color="${blend(1)}"/></linearGradient></defs>`);
  body.push(`<rect x="${px(barX)}" y="${px(top)}" width="16" height="${px(barHeight)}" fill="url(#confusion-scale)" stroke="#444" stroke-width="1"/>`);
  for (const value of [0, 0.5, 1]) body.push(text(barX + 22, top + barHeight * (1 - value), `${value * 100}%`, { size: 12, baseline: "middle" }));
  return svgDocument(Math.round(width), Math.round(height), body);
}

export interface TrainingCurveOptions {
  title?: string;
}

/**
 * Loss and accuracy per epoch from metrics.jsonl-like rows ({ epoch, loss, accuracy,
 * valLoss, valAccuracy, ... }): every numeric key containing "loss" goes on the left
 * panel, every key containing "acc" on the right.
 */
export function trainingCurvesSvg(history: Record<string, unknown>[], options: TrainingCurveOptions = {}): string {
  const width = 1040;
  const height = 460;
  const rows = history.filter((row) => typeof row.epoch === "number");
  const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter((key) => key !== "epoch" && rows.some((row) => typeof row[key] === "number"));
  const lossKeys = keys.filter((key) => /loss/i.test(key));
  const accuracyKeys = keys.filter((key) => /acc/i.test(key));
  const body = title(width, options.title ?? "Training curves", `${rows.length} epochs`);
  const panel = (x: number, panelKeys: string[], yLabel: string, percentAxis: boolean): void => {
    const series = panelKeys.map((key) => ({
      key,
      points: rows.filter((row) => typeof row[key] === "number" && Number.isFinite(row[key])).map((row) => ({ x: row.epoch as number, y: row[key] as number })),
    }));
    const epochs = rows.map((row) => row.epoch as number);
    const ys = series.flatMap((s) => s.points.map((p) => p.y));
    const frame = axes({
      area: { x, y: 72, width: 400, height: 300 },
      xDomain: niceDomain([Math.min(...epochs, 0), ...epochs], 6),
      // Accuracy: from the tenth below the lowest value up to 100%; loss: from 0.
      yDomain: percentAxis ? [Math.max(0, Math.floor(Math.min(1, ...ys) * 10) / 10), 1] : niceDomain([0, ...ys]),
      xLabel: "Epoch",
      yLabel,
      yPercent: percentAxis,
    });
    body.push(...frame.background);
    series.forEach((s, index) => {
      const color = PALETTE[index % PALETTE.length];
      if (s.points.length > 1) body.push(`<polyline points="${s.points.map((p) => `${px(frame.x(p.x))},${px(frame.y(p.y))}`).join(" ")}" fill="none" stroke="${color}" stroke-width="2.5" stroke-linejoin="round"/>`);
      for (const p of s.points) body.push(`<circle cx="${px(frame.x(p.x))}" cy="${px(frame.y(p.y))}" r="3.5" fill="${color}"/>`);
    });
    body.push(...frame.foreground);
    if (series.length > 0) body.push(...legend(x + 400 - 168, percentAxis ? 72 + 300 - 10 - series.length * 22 - 8 : 80, series.map((s, i) => ({ label: shorten(s.key, 18), color: PALETTE[i % PALETTE.length] })), 160));
    else body.push(text(x + 200, 222, "no values recorded", { size: 14, anchor: "middle", fill: "#777" }));
  };
  panel(100, lossKeys, "Loss (cross-entropy, nats)", false);
  panel(610, accuracyKeys, "Accuracy", true);
  return svgDocument(width, height, body);
}

