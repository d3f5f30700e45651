// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/compare
 * `qhybrid compare RUN_DIR...`: one table and one set of plots for several evaluated runs.
 */
import { Command, Option } from "commander";
import { readFileSync } from "node:fs";
import { compareRuns } from "../../eval/compare-runs.js";
import { jsonOption, printResult } from "../options.js";

export function compareCommand(): Command {
  return new Command("compare")
    .description("compare evaluated runs: accuracy, calibration and robustness side by side, differences and paired tests over shared seeds")
    .argument("<runs...>", "run directories that hold eval/eval.json (from train or eval)")
    .addOption(new Option("--out <dir>", "folder for comparison.md, comparison.json and plots (default results/compare/<id>)"))
    .addOption(new Option("--title <text>", "heading of the comparison"))
    .addOption(jsonOption())
    .addHelpText(
      "after",
      `
Runs are grouped by their experiment folder (results/<name>/...), so a hybrid and its
control form two groups; runs of two groups with the same training seed are paired, and a
sign-flip permutation test of the per-seed differences is reported.

Examples:
  qhybrid compare results/mnist-hybrid/<run-id> results/mnist-hybrid-control/<run-id>
  qhybrid compare results/mnist-hybrid/* results/mnist-hybrid-control/* --out results/hybrid-vs-control --json
`,
    )
    .action(async (runs: string[], options: { out?: string; title?: string; json?: boolean }) => {
      const { files, out } = await compareRuns({ runs, out: options.out, title: options.title });
      printResult(options.json, JSON.parse(readFileSync(files.json, "utf8")), () => `${readFileSync(files.markdown, "utf8")}\n(written to ${out})`);
    });
}
