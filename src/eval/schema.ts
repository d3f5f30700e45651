// SPDX-License-Identifier: MIT
/**
 * @module eval/schema
 * The `eval:` part of an experiment config: which split, calibration bins and which
 * perturbations `qhybrid eval` (and the end of `qhybrid train`) measures.
 */
import { z } from "zod";

const levels = z.array(z.number().min(0)).default([]);

export const evalSchema = z.strictObject({
  split: z.enum(["test", "validation", "train"]).default("test"),
  /** Equal-width confidence bins for ECE and MCE (Guo et al. 2017 use 15). */
  bins: z.number().int().min(2).default(15),
  /** Gaussian pixel-noise standard deviations on the [0,1] scale. */
  noise: levels,
  /** Rotations in degrees. */
  rotate: levels,
  /** FGSM L∞ budgets on the [0,1] scale. */
  fgsm: levels,
  pgd: z
    .strictObject({
      epsilon: z.number().positive(),
      steps: z.number().int().positive(),
      stepSize: z.number().positive(),
    })
    .optional(),
});
export type EvalConfig = z.infer<typeof evalSchema>;
