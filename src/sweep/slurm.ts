// SPDX-License-Identifier: MIT
/**
 * @module sweep/slurm
 * `qhybrid sweep emit --slurm`: a Slurm job-array script, not a scheduler. Array task I of
 * N runs `qhybrid sweep run FILE --shard I/N` in the folder the script was emitted from,
 * over the sweep's shared results folder; the trial locks (sweep/trial-state.ts) keep
 * concurrent tasks from clobbering each other, and a task that is cut off or requeued is
 * finished by any later `sweep run`. Each task's output goes to <output>/slurm/%A_%a.out.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../errors.js";
import type { CliInvocation } from "./run.js";

export interface SlurmOptions {
  /** The sweep file. */
  sweepFile: string;
  /** The sweep's results folder. */
  output: string;
  name: string;
  /** Array tasks (shards); at most the number of trials. */
  tasks: number;
  /** At most this many tasks at once (`--array=0-N%M`). */
  maxParallel?: number;
  partition?: string;
  gpusPerTask?: number;
  cpusPerTask?: number;
  /** Slurm time limit per task, e.g. 04:00:00. */
  time?: string;
  memory?: string;
  account?: string;
  /** Trials each task runs at once (`sweep run --parallel`). */
  parallel?: number;
  /** Passed to every trial as --backend. */
  backend?: string;
  /** How the task starts qhybrid; default the CLI that emitted the script. */
  cli: CliInvocation;
  /** Folder the tasks run in (relative paths in the sweep are relative to it). */
  workingDirectory: string;
}

/** Single-quoted for bash. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function directive(name: string, value: string | number | undefined): string[] {
  if (value === undefined) return [];
  const text = String(value);
  if (/[\s'"\\]/.test(text)) throw new UsageError(`--${name} ${JSON.stringify(text)}: Slurm options cannot hold spaces or quotes`);
  return [`#SBATCH --${name}=${text}`];
}

export function slurmScript(options: SlurmOptions): string {
  if (!Number.isInteger(options.tasks) || options.tasks < 1) throw new UsageError(`--tasks ${options.tasks}: expected a positive integer`);
  const logs = resolve(options.workingDirectory, options.output, "slurm");
  const array = `0-${options.tasks - 1}${options.maxParallel !== undefined ? `%${options.maxParallel}` : ""}`;
  const command = [
    ...[options.cli.command, ...options.cli.args].map(shellQuote),
    "sweep",
    "run",
    shellQuote(resolve(options.workingDirectory, options.sweepFile)),
    "--shard",
    `"\${SLURM_ARRAY_TASK_ID}/${options.tasks}"`,
    ...(options.parallel !== undefined ? ["--parallel", String(options.parallel)] : []),
    ...(options.backend !== undefined ? ["--backend", shellQuote(options.backend)] : []),
  ].join(" ");
  return [
    "#!/bin/bash",
    `# Slurm job array for the qhybrid sweep ${options.sweepFile}: task I of ${options.tasks} runs shard I/${options.tasks}`,
    `# of its trials. Submit with: sbatch <this file>. Results: ${resolve(options.workingDirectory, options.output)}`,
    `# Run \`qhybrid sweep report ${options.sweepFile}\` when the array is done; a task that was cut off`,
    "# leaves its trials unfinished, and any later `qhybrid sweep run` finishes them.",
    ...directive("job-name", `qhybrid-${options.name}`.replace(/[^A-Za-z0-9._-]/g, "-")),
    `#SBATCH --array=${array}`,
    `#SBATCH --output=${logs}/%A_%a.out`,
    ...directive("partition", options.partition),
    ...directive("gpus-per-task", options.gpusPerTask),
    ...directive("cpus-per-task", options.cpusPerTask),
    ...directive("time", options.time),
    ...directive("mem", options.memory),
    ...directive("account", options.account),
    "set -euo pipefail",
    `cd ${shellQuote(options.workingDirectory)}`,
    `exec ${command}`,
    "",
  ].join("\n");
}

/** Writes nothing but the folder Slurm opens the tasks' output files in (it does not create it). */
export function prepareSlurmLogs(options: Pick<SlurmOptions, "workingDirectory" | "output">): string {
  const logs = join(resolve(options.workingDirectory, options.output), "slurm");
  mkdirSync(logs, { recursive: true });
  return logs;
}
