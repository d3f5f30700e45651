// SPDX-License-Identifier: MIT
/**
 * @module labels/targets
 * Stage 2's view of the label modes: the training targets of each kind of run that
 * `qhybrid train` (and its `--compare`) can make. onehot and smoothing need nothing;
 * soft reads labels.file (refused unless it matches the dataset); qplr runs stage 1 with
 * the configured labeller (or reuses its cached labels file); classical-soft does the same
 * with the classical control labeller.
 */
import type { ExperimentConfig } from "../config/schema.js";
import { UsageError } from "../errors.js";
import type { TargetMode } from "../train/targets.js";
import { softTargetsFor } from "./refine.js";

export const LABEL_KINDS = ["onehot", "smoothing", "soft", "qplr", "classical-soft"] as const;
export type LabelKind = (typeof LABEL_KINDS)[number];

/** Parses `--compare onehot,smoothing,classical-soft`. */
export function parseLabelKinds(text: string): LabelKind[] {
  const kinds = text.split(",").map((part) => part.trim()).filter(Boolean);
  if (kinds.length === 0) throw new UsageError(`--compare: expected a comma-separated list of ${LABEL_KINDS.join(", ")}`);
  for (const kind of kinds) {
    if (!(LABEL_KINDS as readonly string[]).includes(kind)) throw new UsageError(`--compare: unknown label kind ${JSON.stringify(kind)}; expected ${LABEL_KINDS.join(", ")}`);
  }
  return [...new Set(kinds)] as LabelKind[];
}

/** The runs of a comparison: the listed kinds, then the config's own labels mode if not listed. */
export function comparisonKinds(config: ExperimentConfig, compare: LabelKind[]): LabelKind[] {
  return compare.includes(config.labels.mode) ? compare : [...compare, config.labels.mode];
}

export async function targetsFor(config: ExperimentConfig, kind: LabelKind, log: (line: string) => void): Promise<TargetMode> {
  switch (kind) {
    case "onehot":
      return { mode: "onehot" };
    case "smoothing":
      return { mode: "smoothing", epsilon: config.labels.epsilon };
    case "soft":
      return { mode: "soft", distributions: (await softTargetsFor(config, "file", log)).distributions };
    case "qplr":
      return { mode: "soft", distributions: (await softTargetsFor(config, "quantum", log)).distributions };
    case "classical-soft":
      return { mode: "soft", distributions: (await softTargetsFor(config, "classical", log)).distributions };
  }
}
