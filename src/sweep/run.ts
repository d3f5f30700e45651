// SPDX-License-Identifier: MIT
/**
 * @module sweep/run
 * `qhybrid sweep run`: runs a shard's unfinished trials, `parallel` at a time, each as its
 * own `qhybrid train` process (same Node, same loader flags, same CLI entry as this one),
 * so that a crash, an out-of-memory kill or a bad config ends one trial, which is recorded
 * as failed (failed.json, train.log) while the others go on. A trial another runner holds
 * is waited for (and taken over if its lock goes stale), so when this returns every trial
 * of the shard has finished or failed. SIGINT/SIGTERM are passed on to the trials, which
 * save a checkpoint and stop; their locks are released and they count as interrupted, to
 * be run again by the next `sweep run`.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { configHash } from "../config/hash.js";
import { experimentSchema } from "../config/schema.js";
import { validateYaml } from "../config/validate-yaml.js";
import { UsageError, UserError } from "../errors.js";
import { writeFileAtomic } from "../run/atomic-write.js";
import { describeAssignment, type SweepPlan, type Trial } from "./plan.js";
import { formatDuration, type SweepCounts, type SweepProgress } from "./progress.js";
import { isFinished, readFailure, TRIAL_FILES, TrialLock, type FailureRecord } from "./trial-state.js";

/** How to start the qhybrid CLI in a child process. */
export interface CliInvocation {
  command: string;
  args: string[];
}

/**
 * The CLI this process runs: the same Node with its loader flags (`--import tsx` from
 * source) and entry script (bin/qhybrid.js installed, src/cli/main.ts from source).
 * Debugger flags are dropped: every child would fight for the same port.
 */
export function currentCli(): CliInvocation {
  const flags = process.execArgv.filter((flag) => !flag.startsWith("--inspect") && !flag.startsWith("--test"));
  return { command: process.execPath, args: [...flags, process.argv[1]] };
}

export interface Shard {
  /** 0-based, below count. */
  index: number;
  count: number;
}

/** `I/N` with 0 ≤ I < N. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index >= count) throw new UsageError(`--shard ${text}: expected I/N with 0 ≤ I < N, e.g. 0/4`);
  return { index, count };
}

/** Round-robin over the plan order: shard I of N gets trials I, I+N, I+2N, ... */
export function shardTrials(trials: Trial[], shard: Shard | undefined): Trial[] {
  return shard === undefined ? trials : trials.filter((trial) => trial.index % shard.count === shard.index);
}

export type TrialOutcomeStatus = "finished" | "already-finished" | "failed" | "interrupted";

export interface TrialOutcome {
  id: string;
  status: TrialOutcomeStatus;
  assignment: Record<string, unknown>;
  dir: string;
  seconds?: number;
  error?: string;
  log?: string;
}

export interface SweepRunResult {
  sweep: string;
  output: string;
  shard: Shard | null;
  counts: { trials: number; finished: number; alreadyFinished: number; failed: number; interrupted: number };
  interrupted: boolean;
  trials: TrialOutcome[];
}

export interface SweepRunOptions {
  parallel?: number;
  shard?: Shard;
  cli: CliInvocation;
  /** Passed to each trial as --backend. */
  backend?: string;
  progress: SweepProgress;
  /** How often a runner waiting on trials held elsewhere looks again (ms). */
  pollMs?: number;
}

interface Running {
  trial: Trial;
  done: Promise<TrialOutcome>;
  kill: (signal: NodeJS.Signals) => void;
}

export async function runSweep(plan: SweepPlan, options: SweepRunOptions): Promise<SweepRunResult> {
  const parallel = options.parallel ?? 1;
  const selected = shardTrials(plan.trials, options.shard);
  const outcomes = new Map<string, TrialOutcome>();
  const startedAt = Date.now();
  const outcome = (trial: Trial, status: TrialOutcomeStatus, extra: Partial<TrialOutcome> = {}): TrialOutcome => ({ id: trial.id, status, assignment: trial.assignment, dir: trial.dir, ...extra });
  for (const trial of selected) if (isFinished(trial)) outcomes.set(trial.id, outcome(trial, "already-finished"));
  const queue = selected.filter((trial) => !outcomes.has(trial.id));
  const running = new Map<string, Running>();
  const counts = (): SweepCounts => {
    const ended = [...outcomes.values()];
    return {
      total: selected.length,
      done: ended.filter((o) => o.status === "finished" || o.status === "already-finished").length,
      failed: ended.filter((o) => o.status === "failed").length,
      running: running.size,
    };
  };

  // Trials run in their own process groups, so a Ctrl-C reaches them once, from here, as
  // SIGINT (the trainer's "save and stop"; a second one stops at once), also on SIGTERM
  // (Slurm's time limit, scancel).
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    for (const entry of running.values()) entry.kill("SIGINT");
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const label = `sweep ${plan.name}${options.shard ? ` shard ${options.shard.index}/${options.shard.count}` : ""}`;
  options.progress.start(label, counts());
  try {
    while (!interrupted && (queue.length > 0 || running.size > 0)) {
      for (let position = 0; position < queue.length && running.size < parallel && !interrupted; ) {
        const trial = queue[position];
        const claimed = claim(trial, startedAt);
        if (claimed === "held") {
          position++;
          continue;
        }
        queue.splice(position, 1);
        if (claimed === "finished" || claimed === "failed") {
          const failure = claimed === "failed" ? readFailure(trial) : undefined;
          outcomes.set(trial.id, outcome(trial, claimed, failure ? { error: failure.error, log: failure.log } : {}));
          options.progress.update(counts(), `trial ${trial.id} ${claimed} by another runner`);
          continue;
        }
        const entry = startTrial(trial, claimed, options, () => interrupted);
        running.set(trial.id, entry);
        options.progress.update(counts(), `trial ${trial.id} started (${describeAssignment(trial.assignment)})`);
      }
      if (running.size === 0) {
        // Every remaining trial is held by another runner: look again shortly.
        if (queue.length > 0) await delay(options.pollMs ?? 2000);
        continue;
      }
      const ended = await Promise.race([...running.values()].map((entry) => entry.done.then((result) => ({ entry, result }))));
      running.delete(ended.entry.trial.id);
      outcomes.set(ended.result.id, ended.result);
      const timing = ended.result.seconds !== undefined ? ` in ${formatDuration(ended.result.seconds)}` : "";
      const reason = ended.result.status === "failed" ? `: ${ended.result.error}` : "";
      options.progress.update(counts(), `trial ${ended.result.id} ${ended.result.status}${timing}${reason}`);
    }
    // After an interrupt: wait for the trials to save and stop.
    for (const entry of running.values()) outcomes.set(entry.trial.id, await entry.done);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    options.progress.stop();
  }

  const trials = selected.map((trial) => outcomes.get(trial.id) ?? outcome(trial, "interrupted"));
  const count = (status: TrialOutcomeStatus): number => trials.filter((t) => t.status === status).length;
  return {
    sweep: plan.file,
    output: plan.output,
    shard: options.shard ?? null,
    counts: { trials: trials.length, finished: count("finished"), alreadyFinished: count("already-finished"), failed: count("failed"), interrupted: count("interrupted") },
    interrupted,
    trials,
  };
}

/**
 * Takes a trial for this runner: its lock, or what another runner made of it. A failure
 * recorded after this sweep run started came from a concurrent runner and is not retried.
 */
function claim(trial: Trial, startedAt: number): TrialLock | "held" | "finished" | "failed" {
  if (isFinished(trial)) return "finished";
  try {
    mkdirSync(trial.dir, { recursive: true });
  } catch (error) {
    throw new UserError(`cannot create the trial folder ${trial.dir}: ${(error as Error).message}`);
  }
  const lock = TrialLock.acquire(trial.dir);
  if (lock === undefined) return "held";
  if (isFinished(trial)) {
    lock.release();
    return "finished";
  }
  const failure = join(trial.dir, TRIAL_FILES.failure);
  if (existsSync(failure) && statSync(failure).mtimeMs >= startedAt) {
    lock.release();
    return "failed";
  }
  return lock;
}

function startTrial(trial: Trial, lock: TrialLock, options: SweepRunOptions, interrupted: () => boolean): Running {
  const started = Date.now();
  // A previous attempt's partial runs would only confuse the finished check and the report.
  rmSync(join(trial.dir, TRIAL_FILES.runs), { recursive: true, force: true });
  rmSync(join(trial.dir, TRIAL_FILES.failure), { force: true });
  const configPath = join(trial.dir, TRIAL_FILES.config);
  writeTrialConfig(trial, configPath);
  const logPath = join(trial.dir, TRIAL_FILES.log);
  const log = openSync(logPath, "w");
  const args = [...options.cli.args, "train", configPath, "--json", ...(options.backend ? ["--backend", options.backend] : [])];
  const child = spawn(options.cli.command, args, { stdio: ["ignore", log, log], env: process.env, detached: true });
  lock.setChild(child.pid);
  const done = new Promise<TrialOutcome>((resolve) => {
    let settled = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
      if (settled) return;
      settled = true;
      closeSync(log);
      const seconds = (Date.now() - started) / 1000;
      const base = { id: trial.id, assignment: trial.assignment, dir: trial.dir, seconds, log: logPath };
      let result: TrialOutcome;
      if (exitCode === 0 && isFinished(trial)) {
        result = { ...base, status: "finished" };
      } else if (interrupted() && (exitCode === 130 || signal !== null)) {
        result = { ...base, status: "interrupted" };
      } else {
        const error = spawnError
          ? `could not start ${options.cli.command}: ${spawnError.message}`
          : exitCode === 0
            ? "qhybrid train exited 0 but wrote no summary.json with the trial's config hash"
            : lastError(logPath, exitCode, signal);
        const failure: FailureRecord = { error, exitCode, signal, log: logPath, host: hostname(), failedAt: new Date().toISOString(), seconds };
        writeFileAtomic(join(trial.dir, TRIAL_FILES.failure), `${JSON.stringify(failure, null, 2)}\n`);
        result = { ...base, status: "failed", error };
      }
      lock.release();
      resolve(result);
    };
    child.on("error", (error) => finish(null, null, error));
    child.on("exit", (code, signal) => finish(code, signal));
  });
  return {
    trial,
    done,
    kill: (signal) => {
      child.kill(signal);
    },
  };
}

/** The trial's resolved config as the file its `qhybrid train` reads. */
function writeTrialConfig(trial: Trial, path: string): void {
  const text = [`# Trial ${trial.id} of a qhybrid sweep: ${describeAssignment(trial.assignment)}`, stringify(trial.runConfig, { lineWidth: 0 })].join("\n");
  // The trial counts as finished only if its runs carry this config's hash: check that the
  // file reads back to the same config before spending a training run on it.
  const reread = validateYaml(experimentSchema, text, path).value;
  if (configHash(reread) !== configHash(trial.runConfig)) throw new Error(`trial ${trial.id}: the written config does not read back to the same config`);
  writeFileAtomic(path, text);
}

/** The child's own one-line error if it printed one, else its last line of output. */
function lastError(logPath: string, exitCode: number | null, signal: NodeJS.Signals | null): string {
  let lines: string[] = [];
  try {
    lines = readFileSync(logPath, "utf8").split("\n").map((line) => line.trim()).filter(Boolean);
  } catch {
    // no log
  }
  const reported = lines.filter((line) => line.startsWith("qhybrid: ")).pop();
  const how = signal !== null ? `killed by ${signal}` : `exit code ${exitCode}`;
  const detail = reported ?? lines.pop();
  return detail === undefined ? how : `${how}: ${detail.slice(0, 500)}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
