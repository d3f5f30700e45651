// SPDX-License-Identifier: MIT
/**
 * @module eval/schema
 * The `eval:` part of an experiment config: which split, calibration bins and which
 * perturbations `qhybrid eval` (and the end of `qhybrid train`) measures.
 */
import { z } from "zod";

const levels = z.array(z.number().min(0)).default([]);

/** The corruptions of src/eval/perturb.ts (kept here so the config needs no tfjs). */
export const CORRUPTION_CHOICES = ["shot_noise", "impulse_noise", "motion_blur", "fog", "zigzag"] as const;

export const evalSchema = z.strictObject({
  split: z.enum(["test", "validation", "train"]).default("test"),
  /** Equal-width confidence bins for ECE and MCE (Guo et al. 2017 use 15). */
  bins: z.number().int().min(2).default(15),
  /** Images per forward pass (and per attack gradient). */
  batchSize: z.number().int().positive().default(256),
  /** Fit a temperature on the validation split and report calibration before and after. */
  temperatureScaling: z.boolean().default(true),
  /** Gaussian pixel-noise standard deviations on the [0,1] scale. */
  noise: levels,
  /** Rotations in degrees. */
  rotate: levels,
  /** FGSM L∞ budgets on the [0,1] scale. */
  fgsm: levels,
  /** PGD L∞ on the [0,1] scale; Madry's MNIST preset is ε 0.3, 40 steps, step 0.01. */
  pgd: z
    .strictObject({
      epsilon: z.number().positive(),
      steps: z.number().int().positive(),
      stepSize: z.number().positive(),
      randomStart: z.boolean().default(true),
    })
    .optional(),
  /** MNIST-C-style corruptions, each at a severity 1–5. */
  corrupt: z
    .array(z.strictObject({ name: z.enum(CORRUPTION_CHOICES), severity: z.number().int().min(1).max(5) }))
    .default([]),
});
export type EvalConfig = z.infer<typeof evalSchema>;
