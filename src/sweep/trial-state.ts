// SPDX-License-Identifier: MIT
/**
 * @module sweep/trial-state
 * What a trial's folder says about it, and who may work on it. Finished: every run the
 * trial's `qhybrid train` writes has a summary.json carrying the expected configHash.
 * Failed: failed.json (error line, exit code, log) from the last attempt. Running: a live
 * lock. The lock is a file created with O_EXCL (open "wx"), so of several runners sharing
 * a results folder (Slurm array tasks on a network filesystem, two terminals) exactly one
 * gets a trial; it names its host and processes and is touched every 30 s. A lock is stale
 * when its processes are gone (same host) or it has not been touched for 5 minutes (any
 * host, e.g. a node that died); a stale lock is moved aside under a unique name before a
 * new one is taken, so two runners breaking it at once cannot both win.
 */
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, linkSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../run/atomic-write.js";
import type { Trial, TrialRun } from "./plan.js";

export const TRIAL_FILES = {
  config: "config.yaml",
  log: "train.log",
  lock: "lock",
  failure: "failed.json",
  runs: "runs",
} as const;

export const LOCK_HEARTBEAT_MS = 30_000;
export const LOCK_STALE_MS = 5 * 60_000;

export type TrialStatus = "finished" | "failed" | "running" | "pending";

/** The fields of a run's summary.json the sweep reads (train/experiment.ts RunSummary). */
export interface SummaryRecord {
  runDirectory: string;
  variant: "model" | "control";
  seed: number;
  configHash: string;
  epochs: number;
  test: { split: string; accuracy: number; top5: number | null; nll: number; ece: number };
  secondsPerEpoch: number;
  samplesPerSecond: number;
  [key: string]: unknown;
}

export interface FailureRecord {
  error: string;
  exitCode: number | null;
  signal: string | null;
  log: string;
  host: string;
  failedAt: string;
  seconds: number;
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** The summary of `run` whose configHash matches, if the trial has one. */
export function findSummary(trial: Trial, run: TrialRun): SummaryRecord | undefined {
  const experiment = join(trial.dir, TRIAL_FILES.runs, run.name);
  if (!existsSync(experiment)) return undefined;
  for (const runId of readdirSync(experiment).sort().reverse()) {
    const summary = readJson<SummaryRecord>(join(experiment, runId, "summary.json"));
    if (summary?.configHash === run.configHash) return summary;
  }
  return undefined;
}

export function isFinished(trial: Trial): boolean {
  return trial.runs.every((run) => findSummary(trial, run) !== undefined);
}

export function readFailure(trial: Trial): FailureRecord | undefined {
  return readJson<FailureRecord>(join(trial.dir, TRIAL_FILES.failure));
}

export function trialStatus(trial: Trial): TrialStatus {
  if (isFinished(trial)) return "finished";
  const lock = join(trial.dir, TRIAL_FILES.lock);
  if (existsSync(lock) && !isStale(lock)) return "running";
  return existsSync(join(trial.dir, TRIAL_FILES.failure)) ? "failed" : "pending";
}

interface LockContent {
  token: string;
  host: string;
  pid: number;
  childPid?: number;
  startedAt: string;
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function isStale(path: string, now = Date.now()): boolean {
  let modified: number;
  try {
    modified = statSync(path).mtimeMs;
  } catch {
    return false;
  }
  if (now - modified > LOCK_STALE_MS) return true;
  const content = readJson<LockContent>(path);
  // A lock being written (empty for a moment) is not stale.
  if (content === undefined) return false;
  return content.host === hostname() && !alive(content.pid) && !alive(content.childPid);
}

export class TrialLock {
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly path: string,
    private content: LockContent,
  ) {
    this.timer = setInterval(() => this.touch(), LOCK_HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Takes the trial's lock, breaking a stale one; undefined when another runner holds it. */
  static acquire(trialDir: string): TrialLock | undefined {
    const path = join(trialDir, TRIAL_FILES.lock);
    for (let attempt = 0; attempt < 3; attempt++) {
      const content: LockContent = { token: randomBytes(8).toString("hex"), host: hostname(), pid: process.pid, startedAt: new Date().toISOString() };
      try {
        const descriptor = openSync(path, "wx");
        writeSync(descriptor, JSON.stringify(content));
        closeSync(descriptor);
        return new TrialLock(path, content);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      if (!isStale(path)) return undefined;
      breakStaleLock(path);
    }
    return undefined;
  }

  /** Records the trial's process, so that the lock stays live while it runs. */
  setChild(pid: number | undefined): void {
    this.content = { ...this.content, childPid: pid };
    if (this.owned()) writeFileAtomic(this.path, JSON.stringify(this.content));
  }

  private touch(): void {
    const now = new Date();
    try {
      if (this.owned()) utimesSync(this.path, now, now);
    } catch {
      // A lost heartbeat only risks the lock being judged stale later.
    }
  }

  private owned(): boolean {
    return readJson<LockContent>(this.path)?.token === this.content.token;
  }

  release(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.owned()) rmSync(this.path, { force: true });
  }
}

function breakStaleLock(path: string): void {
  const observed = readJson<LockContent>(path)?.token;
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = readJson<LockContent>(aside)?.token;
  if (moved !== observed) {
    // Between our look and the rename another runner replaced the stale lock: put theirs back.
    try {
      linkSync(aside, path);
    } catch {
      // A third runner has taken the trial meanwhile; it owns it now.
    }
  }
  rmSync(aside, { force: true });
}
