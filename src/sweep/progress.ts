// SPDX-License-Identifier: MIT
/**
 * @module sweep/progress
 * One progress display for a whole sweep on stderr: a cli-progress bar (trials done,
 * failed, left, running, ETA) on an interactive terminal; otherwise one plain line per
 * trial that starts or ends, with the same counts (train/progress.ts decides which).
 */
import cliProgress from "cli-progress";
import { interactive } from "../train/progress.js";

export interface SweepCounts {
  total: number;
  done: number;
  failed: number;
  running: number;
}

export interface SweepProgress {
  start(label: string, counts: SweepCounts): void;
  /** A trial started or ended; `line` says which. */
  update(counts: SweepCounts, line: string): void;
  stop(): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Trials left times the mean wall time per trial ended so far by this runner. */
class Eta {
  private readonly started = Date.now();
  private ended = 0;

  record(): void {
    this.ended++;
  }

  estimate(left: number): string {
    if (left === 0) return "0 s";
    if (this.ended === 0) return "?";
    return formatDuration((((Date.now() - this.started) / 1000) * left) / this.ended);
  }
}

function left(counts: SweepCounts): number {
  return counts.total - counts.done - counts.failed;
}

export function createSweepProgress(options: { quiet?: boolean } = {}): SweepProgress {
  if (options.quiet) return { start() {}, update() {}, stop() {} };
  const eta = new Eta();
  let previousEnded = 0;
  const countEnded = (counts: SweepCounts): void => {
    for (; previousEnded < counts.done + counts.failed; previousEnded++) eta.record();
  };
  const describe = (counts: SweepCounts): string =>
    `done ${counts.done}, failed ${counts.failed}, left ${left(counts)} (${counts.running} running), ETA ${eta.estimate(left(counts))}`;
  if (!interactive()) {
    let label = "";
    return {
      start(name, counts) {
        label = name;
        previousEnded = counts.done + counts.failed;
        process.stderr.write(`${label}: ${counts.total} trials; ${describe(counts)}\n`);
      },
      update(counts, line) {
        countEnded(counts);
        process.stderr.write(`${label}: ${line}; ${describe(counts)}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: "{label} [{bar}] {value}/{total} trials | done {done} | failed {failed} | left {left} | running {running} | ETA {remaining}",
      hideCursor: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (counts: SweepCounts): Record<string, unknown> => ({ done: counts.done, failed: counts.failed, left: left(counts), running: counts.running, remaining: eta.estimate(left(counts)) });
  return {
    start(name, counts) {
      previousEnded = counts.done + counts.failed;
      bar.start(counts.total, counts.done + counts.failed, { label: name, ...payload(counts) });
    },
    update(counts) {
      countEnded(counts);
      bar.update(counts.done + counts.failed, payload(counts));
    },
    stop() {
      bar.stop();
    },
  };
}
