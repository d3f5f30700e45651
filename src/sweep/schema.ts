// SPDX-License-Identifier: MIT
/**
 * @module sweep/schema
 * The sweep file (YAML): a base experiment (a file or an inline `config:`), fixed `set:`
 * overrides, the axes (`grid:` lists and `random:` distributions over key paths), the
 * seeds (`seeds:` or `repeats:`), extra or dropped combinations (`include:`/`exclude:`)
 * and the results folder (`output:`). Cross-field rules live in sweep/load.ts, where they
 * can point at the offending line.
 */
import { z } from "zod";

const keyPathRecord = <T extends z.ZodType>(value: T) => z.record(z.string(), value);

export const DISTRIBUTIONS = ["uniform", "log-uniform", "int-uniform", "choice"] as const;

export const distributionSchema = z.discriminatedUnion("distribution", [
  z.strictObject({ distribution: z.literal("uniform"), min: z.number(), max: z.number() }),
  z.strictObject({ distribution: z.literal("log-uniform"), min: z.number().positive(), max: z.number().positive() }),
  z.strictObject({ distribution: z.literal("int-uniform"), min: z.number().int(), max: z.number().int() }),
  z.strictObject({ distribution: z.literal("choice"), values: z.array(z.unknown()).min(1) }),
]);
export type Distribution = z.infer<typeof distributionSchema>;

export const sweepSchema = z.strictObject({
  /** Experiment config the trials start from, relative to the sweep file. */
  base: z.string().min(1).optional(),
  /** Or the experiment config written inline. */
  config: keyPathRecord(z.unknown()).optional(),
  /** Overrides every trial shares (key path → value). */
  set: keyPathRecord(z.unknown()).default({}),
  /** Every combination of these values (key path → list of values). */
  grid: keyPathRecord(z.array(z.unknown()).min(1)).default({}),
  /** `samples` draws of every parameter, crossed with the grid. */
  random: z
    .strictObject({
      samples: z.number().int().positive(),
      /** Seeds the draws (not the trials' training). */
      seed: z.number().int().min(0).default(1),
      parameters: keyPathRecord(distributionSchema).refine((parameters) => Object.keys(parameters).length > 0, "at least one parameter"),
    })
    .optional(),
  /** Training seeds each combination runs with. */
  seeds: z.array(z.number().int().min(0).max(2 ** 31 - 1)).min(1).optional(),
  /** Or: run each combination with seeds 1..N. */
  repeats: z.number().int().positive().optional(),
  /** Extra combinations (partial assignments over the base and `set:`). */
  include: z.array(keyPathRecord(z.unknown())).default([]),
  /** Combinations to drop: every trial matching all keys of an entry. */
  exclude: z.array(keyPathRecord(z.unknown()).refine((entry) => Object.keys(entry).length > 0, "an empty entry would drop every trial")).default([]),
  /** Results folder of the sweep, relative to the current directory; default results/sweeps/<file name>. */
  output: z.string().min(1).optional(),
});
export type SweepFile = z.infer<typeof sweepSchema>;
