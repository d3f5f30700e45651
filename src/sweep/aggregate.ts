// SPDX-License-Identifier: MIT
/**
 * @module sweep/aggregate
 * A sweep's finished runs as numbers: one row per run (a trial with a matched control
 * gives two, told apart by a `model.control` axis), grouped by everything but the seed,
 * with mean, standard deviation and 95% Student-t interval per metric, the best group per
 * metric, and paired sign-flip tests (report/compare.ts) between groups that differ in
 * exactly one axis, over the seeds they share.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { configHash } from "../config/hash.js";
import type { EvaluationResult } from "../eval/evaluate.js";
import { signFlipTest } from "../report/compare.js";
import { describeAssignment, type SweepPlan } from "./plan.js";
import { summarize, type Interval } from "./stats.js";
import { findSummary, trialStatus, type SummaryRecord } from "./trial-state.js";

/** Metrics where lower is better; every other metric is an accuracy or a rate of success. */
const LOWER_IS_BETTER = /^(nll|ece|brier|seconds per epoch)$/;

export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.test(metric);
}

export interface RunRow {
  trial: string;
  variant: "model" | "control";
  seed: number;
  /** The swept values without the seed (plus model.control for a trial's control run). */
  axes: Record<string, unknown>;
  group: string;
  metrics: Record<string, number>;
}

export interface GroupSummary {
  group: string;
  label: string;
  axes: Record<string, unknown>;
  seeds: number[];
  metrics: Record<string, Interval>;
}

export interface BestGroup {
  metric: string;
  group: string;
  label: string;
  interval: Interval;
}

export interface PairedComparison {
  /** The one axis the two groups differ in. */
  axis: string;
  valueA: unknown;
  valueB: unknown;
  groupA: string;
  groupB: string;
  label: string;
  metric: string;
  seeds: number[];
  /** Mean of B − A over the shared seeds. */
  meanDifference: number;
  p: number;
  exact: boolean;
}

export interface SweepAggregate {
  sweep: string;
  output: string;
  trials: { total: number; finished: number; failed: number; running: number; pending: number };
  /** Swept axes without the seed, in plan order. */
  axes: string[];
  metrics: string[];
  rows: RunRow[];
  groups: GroupSummary[];
  best: BestGroup[];
  comparisons: PairedComparison[];
}

/** The final metrics of one run: summary.json's, and eval.json's robustness levels. */
export function runMetrics(summary: SummaryRecord): Record<string, number> {
  const metrics: Record<string, number> = { accuracy: summary.test.accuracy };
  if (summary.test.top5 !== null) metrics.top5 = summary.test.top5;
  metrics.nll = summary.test.nll;
  metrics.ece = summary.test.ece;
  const evalPath = join(summary.runDirectory, "eval", "eval.json");
  if (existsSync(evalPath)) {
    const result = JSON.parse(readFileSync(evalPath, "utf8")) as EvaluationResult;
    metrics.brier = result.clean.brier;
    for (const level of result.robustness.noise) metrics[`noise ${level.level} accuracy`] = level.accuracy;
    for (const level of result.robustness.rotate) metrics[`rotate ${level.level} accuracy`] = level.accuracy;
    for (const level of result.robustness.fgsm) metrics[`fgsm ${level.level} accuracy`] = level.accuracy;
    if (result.robustness.pgd !== null) metrics[`pgd ${result.robustness.pgd.level} accuracy`] = result.robustness.pgd.accuracy;
    for (const corruption of result.robustness.corrupt) metrics[`${corruption.name}:${corruption.severity} accuracy`] = corruption.accuracy;
  }
  metrics["seconds per epoch"] = summary.secondsPerEpoch;
  return metrics;
}

export function aggregateSweep(plan: SweepPlan, level = 0.95): SweepAggregate {
  const statuses = plan.trials.map(trialStatus);
  const rows: RunRow[] = [];
  for (const trial of plan.trials) {
    const { seed: _seed, ...swept } = trial.assignment;
    for (const run of trial.runs) {
      const summary = findSummary(trial, run);
      if (summary === undefined) continue;
      const axes = trial.runs.length > 1 ? { ...swept, "model.control": run.control } : swept;
      rows.push({ trial: trial.id, variant: run.control ? "control" : "model", seed: summary.seed, axes, group: configHash(axes), metrics: runMetrics(summary) });
    }
  }
  const axes = [...new Set([...plan.axes.filter((axis) => axis !== "seed"), ...rows.flatMap((row) => Object.keys(row.axes))])];
  const metrics = [...new Set(rows.flatMap((row) => Object.keys(row.metrics)))];
  const groups = groupRows(rows, metrics, level);
  return {
    sweep: plan.file,
    output: plan.output,
    trials: {
      total: plan.trials.length,
      finished: statuses.filter((s) => s === "finished").length,
      failed: statuses.filter((s) => s === "failed").length,
      running: statuses.filter((s) => s === "running").length,
      pending: statuses.filter((s) => s === "pending").length,
    },
    axes,
    metrics,
    rows,
    groups,
    best: bestGroups(groups, metrics),
    comparisons: pairedComparisons(groups, rows, metrics, axes),
  };
}

function groupRows(rows: RunRow[], metrics: string[], level: number): GroupSummary[] {
  const byGroup = new Map<string, RunRow[]>();
  for (const row of rows) byGroup.set(row.group, [...(byGroup.get(row.group) ?? []), row]);
  return [...byGroup.entries()].map(([group, members]) => ({
    group,
    label: describeAssignment(members[0].axes),
    axes: members[0].axes,
    seeds: members.map((row) => row.seed).sort((a, b) => a - b),
    metrics: Object.fromEntries(
      metrics
        .map((metric): [string, number[]] => [metric, members.map((row) => row.metrics[metric]).filter((value) => value !== undefined && Number.isFinite(value))])
        .filter(([, values]) => values.length > 0)
        .map(([metric, values]) => [metric, summarize(values, level)]),
    ),
  }));
}

function bestGroups(groups: GroupSummary[], metrics: string[]): BestGroup[] {
  const best: BestGroup[] = [];
  for (const metric of metrics) {
    const sign = lowerIsBetter(metric) ? -1 : 1;
    let chosen: GroupSummary | undefined;
    for (const group of groups) {
      const interval = group.metrics[metric];
      if (interval === undefined) continue;
      if (chosen === undefined || sign * interval.mean > sign * chosen.metrics[metric].mean) chosen = group;
    }
    if (chosen !== undefined) best.push({ metric, group: chosen.group, label: chosen.label, interval: chosen.metrics[metric] });
  }
  return best;
}

function pairedComparisons(groups: GroupSummary[], rows: RunRow[], metrics: string[], axes: string[]): PairedComparison[] {
  const comparisons: PairedComparison[] = [];
  const bySeed = (group: string): Map<number, RunRow> => new Map(rows.filter((row) => row.group === group).map((row) => [row.seed, row]));
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      const [a, b] = [groups[i], groups[j]];
      const keys = new Set([...Object.keys(a.axes), ...Object.keys(b.axes)]);
      const differing = [...keys].filter((key) => configHash(a.axes[key] ?? null) !== configHash(b.axes[key] ?? null));
      if (differing.length !== 1) continue;
      const axis = differing[0];
      const rowsA = bySeed(a.group);
      const rowsB = bySeed(b.group);
      const seeds = [...rowsA.keys()].filter((seed) => rowsB.has(seed)).sort((x, y) => x - y);
      if (seeds.length < 2) continue;
      const label = describeAssignment(Object.fromEntries(Object.entries(a.axes).filter(([key]) => key !== axis)));
      for (const metric of metrics) {
        const paired = seeds.filter((seed) => rowsA.get(seed)!.metrics[metric] !== undefined && rowsB.get(seed)!.metrics[metric] !== undefined);
        if (paired.length < 2) continue;
        const differences = paired.map((seed) => rowsB.get(seed)!.metrics[metric] - rowsA.get(seed)!.metrics[metric]);
        const { p, exact } = signFlipTest(differences);
        comparisons.push({
          axis,
          valueA: a.axes[axis] ?? null,
          valueB: b.axes[axis] ?? null,
          groupA: a.group,
          groupB: b.group,
          label,
          metric,
          seeds: paired,
          meanDifference: differences.reduce((sum, value) => sum + value, 0) / differences.length,
          p,
          exact,
        });
      }
    }
  }
  comparisons.sort((x, y) => axes.indexOf(x.axis) - axes.indexOf(y.axis));
  return comparisons;
}
