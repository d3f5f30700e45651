// SPDX-License-Identifier: MIT
/**
 * @module report/compare
 * Several evaluations side by side (hybrid vs control, QPLR vs one-hot vs smoothing): one
 * table of the headline numbers with differences to the first run, the robustness curves
 * of all runs on shared plots, and, where runs of two groups share seeds, a paired test.
 *
 * Paired test: for each metric, the per-seed differences d_s = metric(group B, seed s) −
 * metric(group A, seed s) are tested for a zero mean with the exact sign-flip permutation
 * test (every one of the 2^n sign patterns for n ≤ 16 seeds, else 100,000 seeded random
 * patterns): p = share of patterns whose |mean| is at least the observed |mean|. It assumes
 * only that, under no difference, each d_s is symmetric about 0; with n seeds the smallest
 * possible p is 2/2^n (n = 3 seeds cannot reach p < 0.25).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { EvaluationResult } from "../eval/evaluate.js";
import { Random } from "../random.js";
import { writeFileAtomic } from "../run/atomic-write.js";
import { formatMetric } from "./markdown.js";
import { robustnessChartSvg, type RobustnessKind } from "./plots.js";
import { DEFAULT_PNG_SCALE, svgToPng } from "./raster.js";
import { PLOT_FILES } from "./write.js";

export interface ComparedRun {
  /** Shown in tables and legends. */
  name: string;
  result: EvaluationResult;
  /** Arm of the comparison ("hybrid", "control"); runs of two groups pair by seed. */
  group?: string;
  /** The run's training seed (pairs runs across groups). */
  seed?: number;
}

export interface PairedTest {
  metric: "accuracy" | "ece" | "nll";
  groupA: string;
  groupB: string;
  seeds: number[];
  /** Mean of B − A over the shared seeds. */
  meanDifference: number;
  p: number;
  exact: boolean;
}

/** Two-sided sign-flip permutation test of a zero mean (see module note). */
export function signFlipTest(differences: number[], seed = 1): { p: number; exact: boolean } {
  const n = differences.length;
  if (n === 0) return { p: Number.NaN, exact: true };
  const observed = Math.abs(differences.reduce((a, b) => a + b, 0));
  const tolerance = 1e-12 * Math.max(1, observed);
  let extreme = 0;
  let total = 0;
  const count = (signs: (i: number) => number): void => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += signs(i) * differences[i];
    if (Math.abs(sum) >= observed - tolerance) extreme++;
    total++;
  };
  if (n <= 16) {
    for (let pattern = 0; pattern < 2 ** n; pattern++) count((i) => ((pattern >> i) & 1 ? -1 : 1));
    return { p: extreme / total, exact: true };
  }
  const random = new Random(seed);
  for (let draw = 0; draw < 100_000; draw++) count(() => (random.uniform() < 0.5 ? -1 : 1));
  return { p: extreme / total, exact: false };
}

/** Paired tests between the first group and each other group, over their shared seeds. */
export function pairedTests(runs: ComparedRun[]): PairedTest[] {
  const groups = [...new Set(runs.filter((r) => r.group !== undefined && r.seed !== undefined).map((r) => r.group!))];
  const tests: PairedTest[] = [];
  if (groups.length < 2) return tests;
  const bySeed = (group: string): Map<number, EvaluationResult> => new Map(runs.filter((r) => r.group === group && r.seed !== undefined).map((r) => [r.seed!, r.result]));
  const reference = bySeed(groups[0]);
  for (const group of groups.slice(1)) {
    const other = bySeed(group);
    const seeds = [...reference.keys()].filter((s) => other.has(s)).sort((a, b) => a - b);
    if (seeds.length < 2) continue;
    for (const metric of ["accuracy", "ece", "nll"] as const) {
      const differences = seeds.map((s) => other.get(s)!.clean[metric] - reference.get(s)!.clean[metric]);
      const { p, exact } = signFlipTest(differences);
      tests.push({ metric, groupA: groups[0], groupB: group, seeds, meanDifference: differences.reduce((a, b) => a + b, 0) / differences.length, p, exact });
    }
  }
  return tests;
}

function points(value: number): string {
  const pp = value * 100;
  return `${pp >= 0 ? "+" : "−"}${Math.abs(pp).toFixed(2)} pp`;
}

function signed(value: number): string {
  return `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(4)}`;
}

export function comparisonMarkdown(runs: ComparedRun[], title: string, plots: Partial<Record<RobustnessKind, string>> = {}): string {
  const reference = runs[0];
  const lines = [`# ${title}`, "", `${runs.length} runs; differences are to **${reference.name}** (pp: percentage points).`, "", "## Clean metrics", ""];
  lines.push("| Run | Accuracy | Δ accuracy | ECE | Δ ECE | NLL | Δ NLL | Brier | ECE after T | T |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const run of runs) {
    const c = run.result.clean;
    const r = reference.result.clean;
    const scaling = run.result.temperatureScaling;
    lines.push(
      `| ${run.name} | ${formatMetric("accuracy", c.accuracy)} | ${points(c.accuracy - r.accuracy)} | ${formatMetric("ece", c.ece)} | ${points(c.ece - r.ece)} | ${formatMetric("nll", c.nll)} | ${signed(c.nll - r.nll)} | ${formatMetric("brier", c.brier)} | ${scaling ? formatMetric("ece", scaling.after.ece) : "–"} | ${scaling ? scaling.temperature.toFixed(3) : "–"} |`,
    );
  }
  lines.push("");
  const sections: [RobustnessKind | "pgd" | "corrupt", string, string][] = [
    ["noise", "Gaussian noise", "σ"],
    ["rotate", "Rotation", "°"],
    ["fgsm", "FGSM", "ε"],
  ];
  for (const [kind, heading, unit] of sections) {
    const levels = [...new Set(runs.flatMap((run) => run.result.robustness[kind as RobustnessKind].map((l) => l.level)))].sort((a, b) => a - b);
    if (levels.length === 0) continue;
    lines.push(`## ${heading}: accuracy`, "", `| Run | ${levels.map((l) => (unit === "°" ? `${l}°` : `${unit} ${l}`)).join(" | ")} |`, `| --- |${levels.map(() => " ---: ").join("|")}|`);
    for (const run of runs) {
      const cells = levels.map((level) => {
        const own = run.result.robustness[kind as RobustnessKind].find((l) => l.level === level);
        const ref = reference.result.robustness[kind as RobustnessKind].find((l) => l.level === level);
        if (own === undefined) return "–";
        return run === reference || ref === undefined ? formatMetric("accuracy", own.accuracy) : `${formatMetric("accuracy", own.accuracy)} (${points(own.accuracy - ref.accuracy)})`;
      });
      lines.push(`| ${run.name} | ${cells.join(" | ")} |`);
    }
    lines.push("");
    const plot = plots[kind as RobustnessKind];
    if (plot) lines.push(`![${heading}](${plot})`, "");
  }
  if (runs.some((run) => run.result.robustness.pgd !== null)) {
    lines.push("## PGD", "", "| Run | ε | Steps | α | Accuracy |", "| --- | ---: | ---: | ---: | ---: |");
    for (const run of runs) {
      const p = run.result.robustness.pgd;
      if (p !== null) lines.push(`| ${run.name} | ${p.level} | ${p.steps} | ${p.stepSize} | ${formatMetric("accuracy", p.accuracy)} |`);
    }
    lines.push("");
  }
  const tests = pairedTests(runs);
  if (tests.length > 0) {
    lines.push(
      "## Paired tests over shared seeds",
      "",
      "Sign-flip permutation test of the per-seed differences (B − A), two-sided.",
      "",
      "| A | B | Metric | Seeds | Mean B − A | p |",
      "| --- | --- | --- | ---: | ---: | ---: |",
      ...tests.map((t) => `| ${t.groupA} | ${t.groupB} | ${t.metric} | ${t.seeds.length} | ${t.metric === "nll" ? signed(t.meanDifference) : points(t.meanDifference)} | ${t.p.toFixed(4)}${t.exact ? "" : " (sampled)"} |`),
      "",
    );
  }
  return lines.join("\n");
}

export interface ComparisonFiles {
  json: string;
  markdown: string;
  plots: string[];
}

/** Writes comparison.json, comparison.md and the shared robustness plots into `dir`. */
export async function writeComparisonReport(dir: string, runs: ComparedRun[], options: { title?: string; pngScale?: number } = {}): Promise<ComparisonFiles> {
  if (runs.length === 0) throw new RangeError("a comparison needs at least one run");
  mkdirSync(dir, { recursive: true });
  const title = options.title ?? "Comparison";
  const plots: string[] = [];
  const links: Partial<Record<RobustnessKind, string>> = {};
  const charted = runs.map(({ name, result }) => ({ name, result }));
  for (const kind of ["noise", "rotate", "fgsm"] as const) {
    if (!runs.some((run) => run.result.robustness[kind].length > 0 || (kind === "fgsm" && run.result.robustness.pgd !== null))) continue;
    const svg = robustnessChartSvg(charted, kind);
    const base = PLOT_FILES[kind];
    writeFileAtomic(join(dir, `${base}.svg`), svg);
    writeFileAtomic(join(dir, `${base}.png`), await svgToPng(svg, options.pngScale ?? DEFAULT_PNG_SCALE));
    plots.push(join(dir, `${base}.svg`), join(dir, `${base}.png`));
    links[kind] = `${base}.png`;
  }
  const json = join(dir, "comparison.json");
  const summary = {
    format: "qhybrid-compare/1",
    runs: runs.map((run) => ({ name: run.name, group: run.group ?? null, seed: run.seed ?? null, clean: run.result.clean, temperatureScaling: run.result.temperatureScaling, robustness: run.result.robustness })),
    pairedTests: pairedTests(runs),
  };
  writeFileAtomic(json, `${JSON.stringify(summary, null, 2)}\n`);
  const markdown = join(dir, "comparison.md");
  writeFileAtomic(markdown, comparisonMarkdown(runs, title, links));
  return { json, markdown, plots };
}
