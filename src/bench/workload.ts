// SPDX-License-Identifier: MIT
/**
 * @module bench/workload
 * The contract of a benchmark workload and the statistics reported for it. Workloads
 * measure throughput or time on the backend already selected; the harness (main.ts)
 * prints medians and every sample, never pass/fail: timings belong in benchmarks, not tests.
 */
import type { BackendName } from "../backend/schema.js";

export interface WorkloadContext {
  backend: BackendName;
  /** Timed repeats wanted (after the workload's own warm-up). */
  repeats: number;
  /** Progress lines, to stderr. */
  log: (line: string) => void;
}

export interface WorkloadResult {
  /** One figure per timed repeat, in `unit`. */
  samples: number[];
  /** Anything worth printing beside the figure: sizes, accuracy reached, reference figures. */
  details?: Record<string, unknown>;
}

export interface Workload {
  name: string;
  description: string;
  /** e.g. "samples/s", "images/s", "s". */
  unit: string;
  higherIsBetter: boolean;
  run(context: WorkloadContext): Promise<WorkloadResult>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
