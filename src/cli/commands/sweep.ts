// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/sweep
 * `qhybrid sweep plan|run|emit|report FILE`: list a sweep's trials, run the unfinished
 * ones (each in its own process), write a Slurm job array that runs them across
 * machines, and aggregate the finished runs over seeds.
 */
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import type { BackendChoice } from "../../backend/schema.js";
import { EXIT_INTERRUPTED, EXIT_RUNTIME, UsageError, UserError } from "../../errors.js";
import { writeFileAtomic } from "../../run/atomic-write.js";
import { aggregateSweep } from "../../sweep/aggregate.js";
import { describeAssignment, loadSweep } from "../../sweep/plan.js";
import { createSweepProgress } from "../../sweep/progress.js";
import { writeSweepReport } from "../../sweep/report.js";
import { currentCli, parseShard, runSweep, shardTrials, type SweepRunResult } from "../../sweep/run.js";
import { prepareSlurmLogs, slurmScript } from "../../sweep/slurm.js";
import { trialStatus } from "../../sweep/trial-state.js";
import { backendOption, jsonOption, printResult } from "../options.js";

function positiveInteger(flag: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag}: expected a positive integer, got ${JSON.stringify(text)}`);
    return value;
  };
}

function shardOption(): Option {
  return new Option("--shard <I/N>", "only trials I, I+N, I+2N, ... of the plan (0 ≤ I < N)").argParser(parseShard);
}

function planCommand(): Command {
  return new Command("plan")
    .description("list the sweep's trials (id, status, overrides, folder) without running anything")
    .argument("<file>", "sweep file (YAML)")
    .addOption(shardOption())
    .addOption(jsonOption())
    .action((file: string, options: { shard?: ReturnType<typeof parseShard>; json?: boolean }) => {
      const plan = loadSweep(file);
      const trials = shardTrials(plan.trials, options.shard).map((trial) => ({
        id: trial.id,
        index: trial.index,
        status: trialStatus(trial),
        seed: trial.seed,
        overrides: trial.assignment,
        dir: trial.dir,
        runs: trial.runs.map((run) => run.name),
      }));
      const value = { sweep: plan.file, base: plan.base, set: plan.set, axes: plan.axes, output: plan.output, shard: options.shard ?? null, trials };
      printResult(options.json, value, () =>
        [
          `# ${plan.trials.length} trials of ${plan.file} (base ${plan.base}), results in ${plan.output}${options.shard ? `; shard ${options.shard.index}/${options.shard.count}: ${trials.length}` : ""}`,
          "id\tstatus\toverrides\tfolder",
          ...trials.map((trial) => `${trial.id}\t${trial.status}\t${describeAssignment(trial.overrides)}\t${trial.dir}`),
        ].join("\n"),
      );
    });
}

function formatRun(result: SweepRunResult): string {
  const { counts } = result;
  const lines = [
    `# ${counts.trials} trials${result.shard ? ` in shard ${result.shard.index}/${result.shard.count}` : ""}: ${counts.finished} finished now, ${counts.alreadyFinished} already finished, ${counts.failed} failed, ${counts.interrupted} interrupted`,
    "id\tstatus\tseconds\toverrides\terror",
  ];
  for (const trial of result.trials) {
    lines.push(`${trial.id}\t${trial.status}\t${trial.seconds?.toFixed(1) ?? "-"}\t${describeAssignment(trial.assignment)}\t${trial.error ?? ""}`);
  }
  return lines.join("\n");
}

function runCommand(): Command {
  return new Command("run")
    .description("run the trials not finished yet, each in its own qhybrid train process")
    .argument("<file>", "sweep file (YAML)")
    .addOption(new Option("--parallel <n>", "trials at once").default(1).argParser(positiveInteger("--parallel")))
    .addOption(shardOption())
    .addOption(backendOption())
    .addOption(jsonOption())
    .action(async (file: string, options: { parallel: number; shard?: ReturnType<typeof parseShard>; backend?: BackendChoice; json?: boolean }) => {
      const plan = loadSweep(file);
      const result = await runSweep(plan, {
        parallel: options.parallel,
        shard: options.shard,
        backend: options.backend,
        cli: currentCli(),
        progress: createSweepProgress(),
      });
      printResult(options.json, result, () => formatRun(result));
      if (result.interrupted) process.exitCode = EXIT_INTERRUPTED;
      else if (result.counts.failed > 0) process.exitCode = EXIT_RUNTIME;
    });
}

function emitCommand(): Command {
  return new Command("emit")
    .description("write a Slurm job-array script whose task I runs `qhybrid sweep run FILE --shard I/N`")
    .argument("<file>", "sweep file (YAML)")
    .addOption(new Option("--slurm", "emit a Slurm sbatch script (the only target)"))
    .addOption(new Option("--tasks <n>", "array tasks (shards); default one per trial").argParser(positiveInteger("--tasks")))
    .addOption(new Option("--max-parallel <n>", "at most N array tasks at once (--array=0-K%N)").argParser(positiveInteger("--max-parallel")))
    .addOption(new Option("--partition <name>", "Slurm partition"))
    .addOption(new Option("--gpus-per-task <n>", "GPUs per array task").argParser(positiveInteger("--gpus-per-task")))
    .addOption(new Option("--cpus-per-task <n>", "CPUs per array task").argParser(positiveInteger("--cpus-per-task")))
    .addOption(new Option("--time <limit>", "time limit per array task, e.g. 04:00:00"))
    .addOption(new Option("--mem <size>", "memory per node, e.g. 16G"))
    .addOption(new Option("--account <name>", "Slurm account to charge"))
    .addOption(new Option("--parallel <n>", "trials each task runs at once (sweep run --parallel)").argParser(positiveInteger("--parallel")))
    .addOption(backendOption())
    .addOption(new Option("--out <script>", "write the script to this file (executable) instead of stdout"))
    .action(
      (
        file: string,
        options: {
          slurm?: boolean;
          tasks?: number;
          maxParallel?: number;
          partition?: string;
          gpusPerTask?: number;
          cpusPerTask?: number;
          time?: string;
          mem?: string;
          account?: string;
          parallel?: number;
          backend?: string;
          out?: string;
        },
      ) => {
        if (!options.slurm) throw new UsageError("sweep emit: choose a target: --slurm");
        const plan = loadSweep(file);
        const tasks = Math.min(options.tasks ?? plan.trials.length, plan.trials.length);
        const script = slurmScript({
          sweepFile: file,
          output: plan.output,
          name: plan.name,
          tasks,
          maxParallel: options.maxParallel,
          partition: options.partition,
          gpusPerTask: options.gpusPerTask,
          cpusPerTask: options.cpusPerTask,
          time: options.time,
          memory: options.mem,
          account: options.account,
          parallel: options.parallel,
          backend: options.backend,
          cli: currentCli(),
          workingDirectory: process.cwd(),
        });
        const logs = prepareSlurmLogs({ workingDirectory: process.cwd(), output: plan.output });
        if (options.out === undefined) {
          process.stdout.write(script);
          return;
        }
        try {
          writeFileAtomic(options.out, script);
          chmodSync(options.out, 0o755);
        } catch (error) {
          throw new UserError(`--out ${options.out}: cannot write the script: ${(error as Error).message}`);
        }
        process.stdout.write(`${options.out}\n`);
        process.stderr.write(`${tasks} array tasks over ${plan.trials.length} trials; submit with: sbatch ${options.out} (task output in ${logs})\n`);
      },
    );
}

function reportCommand(): Command {
  return new Command("report")
    .description("aggregate the finished trials over seeds: mean, std, 95% CI, CSV, Markdown, plots, paired tests")
    .argument("<file>", "sweep file (YAML)")
    .addOption(new Option("--out <dir>", "report folder; default <output>/report"))
    .addOption(jsonOption())
    .action(async (file: string, options: { out?: string; json?: boolean }) => {
      const plan = loadSweep(file);
      const aggregate = aggregateSweep(plan);
      if (aggregate.rows.length === 0) throw new UserError(`${file}: no trial has finished yet (${plan.trials.length} planned); run qhybrid sweep run ${file}`);
      const files = await writeSweepReport(options.out ?? join(plan.output, "report"), aggregate);
      printResult(options.json, { ...aggregate, files }, () => {
        const best = aggregate.best.map((entry) => {
          const interval = entry.interval;
          const range = interval.low !== null ? ` [${interval.low.toPrecision(4)}, ${interval.high!.toPrecision(4)}]` : "";
          return `${entry.metric}\t${interval.mean.toPrecision(4)}${range}\t${interval.n}\t${entry.label}`;
        });
        return [
          `# ${aggregate.rows.length} runs of ${aggregate.trials.finished}/${aggregate.trials.total} finished trials in ${aggregate.groups.length} groups; report in ${files.markdown}`,
          "metric\tbest mean [95% CI]\tseeds\tconfiguration",
          ...best,
        ].join("\n");
      });
    });
}

export function sweepCommand(): Command {
  return new Command("sweep")
    .description("grids and random searches over configs and seeds: plan, run (resumable, sharded), emit a Slurm array, report")
    .addCommand(planCommand())
    .addCommand(runCommand())
    .addCommand(emitCommand())
    .addCommand(reportCommand())
    .addHelpText(
      "after",
      `
A sweep file names a base config (base: FILE, relative to the sweep file, or an inline
config:), fixed overrides (set:), axes (grid:, random:), seeds (seeds: or repeats:) and
include:/exclude: combinations. Trial ids hash the resolved config, so editing or
reordering the sweep keeps finished trials. Results: <output>/trials/<id>/.

Exit codes: 0 success (run: every trial of the shard finished); 1 run: a trial failed
(the others still ran), report: no finished trial; 2 a usage or sweep-file error (before
anything runs); 130 interrupted (run again to resume).

Examples:
  qhybrid sweep plan configs/sweeps/ablation-qubits.yaml
  qhybrid sweep run configs/sweeps/ablation-qubits.yaml --parallel 2
  qhybrid sweep emit configs/sweeps/hybrid-vs-control-cifar100.yaml --slurm --gpus-per-task 1 --time 04:00:00 --out sweep.sh
  qhybrid sweep report configs/sweeps/ablation-qubits.yaml
`,
    );
}
