// SPDX-License-Identifier: MIT
/**
 * @module eval/compare-runs
 * `qhybrid compare` as a library call: reads each run's eval/eval.json, groups runs by their
 * experiment folder (so a hybrid and its control, or one-hot and smoothing, form groups),
 * pairs them by training seed, and writes one comparison (table, differences, paired tests,
 * shared robustness plots) into a new folder.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { loadExperimentConfig } from "../config/load.js";
import { UsageError } from "../errors.js";
import { writeComparisonReport, type ComparedRun, type ComparisonFiles } from "../report/compare.js";
import { newRunId, RunDirectory, RUN_FILES } from "../run/run-directory.js";
import type { EvaluationResult } from "./evaluate.js";
import { EVAL_FOLDER } from "./run.js";

export interface CompareOptions {
  runs: string[];
  /** Output folder; default results/compare/<time-stamped id>. */
  out?: string;
  title?: string;
}

export async function compareRuns(options: CompareOptions): Promise<{ files: ComparisonFiles; runs: ComparedRun[]; out: string }> {
  if (options.runs.length < 2) throw new UsageError("compare needs at least two run directories");
  const compared: ComparedRun[] = options.runs.map((path) => {
    const run = RunDirectory.open(path);
    const evaluation = join(run.path, EVAL_FOLDER, "eval.json");
    if (!existsSync(evaluation)) throw new UsageError(`${path}: no ${EVAL_FOLDER}/eval.json; run \`qhybrid eval ${path}\` first`);
    const result = JSON.parse(readFileSync(evaluation, "utf8")) as EvaluationResult;
    const { config } = loadExperimentConfig(run.file(RUN_FILES.config));
    const group = basename(dirname(run.path.replace(/\/+$/, "")));
    return { name: `${group} (seed ${config.seed}, ${run.id})`, group, seed: config.seed, result };
  });
  const out = options.out ?? join("results", "compare", newRunId());
  if (existsSync(join(out, "comparison.json"))) throw new UsageError(`${out} already holds a comparison; choose another --out`);
  const files = await writeComparisonReport(out, compared, { title: options.title ?? `Comparison of ${compared.length} runs` });
  return { files, runs: compared, out };
}
