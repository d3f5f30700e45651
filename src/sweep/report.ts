// SPDX-License-Identifier: MIT
/**
 * @module sweep/report
 * `qhybrid sweep report`: writes a sweep's aggregate (sweep/aggregate.ts) into
 * <output>/report/: report.json (everything), runs.csv (one row per run), groups.csv (mean,
 * std and interval per group and metric), report.md (groups, best configuration per
 * metric, paired comparisons, plots) and one plot per metric and swept axis (SVG and PNG).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { formatMetric } from "../report/markdown.js";
import { DEFAULT_PNG_SCALE, svgToPng } from "../report/raster.js";
import { writeFileAtomic } from "../run/atomic-write.js";
import { lowerIsBetter, type SweepAggregate } from "./aggregate.js";
import { describeAssignment } from "./plan.js";
import { formatAxisValue, intervalChartSvg } from "./plots.js";
import type { Interval } from "./stats.js";

export interface SweepReportFiles {
  json: string;
  markdown: string;
  runsCsv: string;
  groupsCsv: string;
  plots: string[];
}

/** A CSV field (RFC 4180): quoted when it holds a comma, quote, line break or edge space. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = formatAxisValue(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLines(rows: unknown[][]): string {
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

const isRate = (metric: string): boolean => /accuracy$|^top5$|^ece$/.test(metric);

function formatValue(metric: string, value: number | null): string {
  if (value === null) return "–";
  if (isRate(metric)) return formatMetric("accuracy", value);
  return metric === "seconds per epoch" ? value.toFixed(2) : formatMetric("nll", value);
}

function formatInterval(metric: string, interval: Interval | undefined): string {
  if (interval === undefined) return "–";
  const spread = interval.low !== null && interval.high !== null ? ` [${formatValue(metric, interval.low)}, ${formatValue(metric, interval.high)}]` : "";
  return `${formatValue(metric, interval.mean)}${spread}`;
}

function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "");
}

function markdownTable(header: string[], rows: string[][]): string[] {
  const escape = (cell: string): string => cell.replace(/\|/g, "\\|");
  return [`| ${header.map(escape).join(" | ")} |`, `|${header.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`, ...rows.map((row) => `| ${row.map(escape).join(" | ")} |`), ""];
}

export function sweepMarkdown(aggregate: SweepAggregate, plots: { metric: string; axis: string; file: string }[]): string {
  const { trials } = aggregate;
  const lines = [
    `# Sweep ${aggregate.sweep}`,
    "",
    `${trials.total} trials: ${trials.finished} finished, ${trials.failed} failed, ${trials.running} running, ${trials.pending} not run. ` +
      `${aggregate.rows.length} runs in ${aggregate.groups.length} groups (runs that differ only in the seed). ` +
      "Values are means over seeds with the 95% Student-t confidence interval of the mean in brackets (none for a single seed).",
    "",
  ];
  const headline = aggregate.metrics.filter((metric) => metric !== "seconds per epoch");
  lines.push("## Groups", "", ...markdownTable(["Configuration", "Seeds", ...headline], aggregate.groups.map((group) => [group.label, String(group.seeds.length), ...headline.map((metric) => formatInterval(metric, group.metrics[metric]))])));
  lines.push(
    "## Best configuration per metric",
    "",
    ...markdownTable(
      ["Metric", "Best", "Mean [95% CI]", "Seeds"],
      aggregate.best.map((best) => [`${best.metric} (${lowerIsBetter(best.metric) ? "lower" : "higher"} is better)`, best.label, formatInterval(best.metric, best.interval), String(best.interval.n)]),
    ),
  );
  if (aggregate.comparisons.length > 0) {
    lines.push(
      "## Paired comparisons across seeds",
      "",
      "Groups that differ in one axis only, paired by seed: mean of the per-seed differences B − A and the two-sided sign-flip permutation p (report/compare.ts; with n seeds p cannot go below 2/2^n).",
      "",
      ...markdownTable(
        ["Axis", "A", "B", "Other axes", "Metric", "Seeds", "Mean B − A", "p"],
        aggregate.comparisons.map((c) => [c.axis, formatAxisValue(c.valueA), formatAxisValue(c.valueB), c.label, c.metric, String(c.seeds.length), signed(c.metric, c.meanDifference), `${c.p.toFixed(4)}${c.exact ? "" : " (sampled)"}`]),
      ),
    );
  }
  if (plots.length > 0) {
    lines.push("## Plots", "");
    for (const plot of plots) lines.push(`### ${plot.metric} vs ${plot.axis}`, "", `![${plot.metric} vs ${plot.axis}](${plot.file})`, "");
  }
  return lines.join("\n");
}

function signed(metric: string, value: number): string {
  const sign = value >= 0 ? "+" : "−";
  return isRate(metric) ? `${sign}${Math.abs(value * 100).toFixed(2)} pp` : `${sign}${Math.abs(value).toFixed(4)}`;
}

function runsCsv(aggregate: SweepAggregate): string {
  const header = ["trial", "variant", "seed", ...aggregate.axes, ...aggregate.metrics];
  const rows = aggregate.rows.map((row) => [row.trial, row.variant, row.seed, ...aggregate.axes.map((axis) => row.axes[axis]), ...aggregate.metrics.map((metric) => row.metrics[metric])]);
  return csvLines([header, ...rows]);
}

function groupsCsv(aggregate: SweepAggregate): string {
  const header = ["group", ...aggregate.axes, "seeds", ...aggregate.metrics.flatMap((metric) => [`${metric} mean`, `${metric} std`, `${metric} ci95 low`, `${metric} ci95 high`])];
  const rows = aggregate.groups.map((group) => [
    group.group,
    ...aggregate.axes.map((axis) => group.axes[axis]),
    group.seeds.length,
    ...aggregate.metrics.flatMap((metric) => {
      const interval = group.metrics[metric];
      return interval === undefined ? [null, null, null, null] : [interval.mean, interval.std, interval.low, interval.high];
    }),
  ]);
  return csvLines([header, ...rows]);
}

/** For each axis, the groups as lines: one per combination of the other axes. */
function chartSeries(aggregate: SweepAggregate, axis: string, metric: string): { xValues: unknown[]; series: { name: string; points: { x: unknown; interval: Interval }[] }[] } {
  const xValues: unknown[] = [];
  const lines = new Map<string, { name: string; points: { x: unknown; interval: Interval }[] }>();
  for (const group of aggregate.groups) {
    if (!(axis in group.axes) || group.metrics[metric] === undefined) continue;
    const x = group.axes[axis];
    if (!xValues.some((value) => formatAxisValue(value) === formatAxisValue(x))) xValues.push(x);
    const others = Object.fromEntries(Object.entries(group.axes).filter(([key]) => key !== axis));
    const name = Object.keys(others).length === 0 ? metric : describeAssignment(others);
    const line = lines.get(name) ?? { name, points: [] };
    line.points.push({ x, interval: group.metrics[metric] });
    lines.set(name, line);
  }
  if (xValues.every((value) => typeof value === "number")) xValues.sort((a, b) => (a as number) - (b as number));
  return { xValues, series: [...lines.values()] };
}

export async function writeSweepReport(dir: string, aggregate: SweepAggregate, options: { pngScale?: number } = {}): Promise<SweepReportFiles> {
  mkdirSync(dir, { recursive: true });
  const plotFiles: string[] = [];
  const plots: { metric: string; axis: string; file: string }[] = [];
  for (const axis of aggregate.axes) {
    for (const metric of aggregate.metrics) {
      const { xValues, series } = chartSeries(aggregate, axis, metric);
      if (xValues.length < 2) continue;
      const svg = intervalChartSvg({
        title: `${metric} vs ${axis}`,
        subtitle: "group means over seeds, 95% Student-t intervals",
        xLabel: axis,
        yLabel: metric,
        xValues,
        series,
        yPercent: isRate(metric),
      });
      const base = `${fileSafe(metric)}-vs-${fileSafe(axis)}`;
      writeFileAtomic(join(dir, `${base}.svg`), svg);
      writeFileAtomic(join(dir, `${base}.png`), await svgToPng(svg, options.pngScale ?? DEFAULT_PNG_SCALE));
      plotFiles.push(join(dir, `${base}.svg`), join(dir, `${base}.png`));
      plots.push({ metric, axis, file: `${base}.png` });
    }
  }
  const files: SweepReportFiles = {
    json: join(dir, "report.json"),
    markdown: join(dir, "report.md"),
    runsCsv: join(dir, "runs.csv"),
    groupsCsv: join(dir, "groups.csv"),
    plots: plotFiles,
  };
  writeFileAtomic(files.runsCsv, runsCsv(aggregate));
  writeFileAtomic(files.groupsCsv, groupsCsv(aggregate));
  writeFileAtomic(files.markdown, sweepMarkdown(aggregate, plots));
  writeFileAtomic(files.json, `${JSON.stringify({ format: "qhybrid-sweep-report/1", ...aggregate, files }, null, 2)}\n`);
  return files;
}
