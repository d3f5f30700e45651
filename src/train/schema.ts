// SPDX-License-Identifier: MIT
/**
 * @module train/schema
 * The `training:` part of an experiment config: optimiser, schedule, epochs and stopping.
 */
import { z } from "zod";

export const trainingSchema = z.strictObject({
  epochs: z.number().int().positive().default(1),
  batchSize: z.number().int().positive().default(128),
  optimizer: z
    .strictObject({
      name: z.enum(["adam", "adamw", "sgd"]).default("adam"),
      learningRate: z.number().positive().default(1e-3),
      weightDecay: z.number().min(0).default(0),
      momentum: z.number().min(0).lt(1).default(0.9),
    })
    .prefault({}),
  schedule: z
    .strictObject({
      kind: z.enum(["constant", "step", "cosine"]).default("constant"),
      warmupEpochs: z.number().int().min(0).default(0),
      stepEpochs: z.number().int().positive().default(10),
      gamma: z.number().positive().max(1).default(0.1),
    })
    .prefault({}),
  /** Clip the global gradient norm to this value; omitted: no clipping. */
  gradientClip: z.number().positive().optional(),
  /** Stop when validation accuracy has not improved for this many epochs. */
  earlyStoppingPatience: z.number().int().positive().optional(),
  /** Sample classes with equal probability instead of in proportion to their counts. */
  classBalanced: z.boolean().default(false),
});
export type TrainingConfig = z.infer<typeof trainingSchema>;
